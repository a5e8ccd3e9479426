import VaultCrypto
import Foundation
import JSON
import XCTest
@testable import JWT

/// The clock every verifier in these tests reads: a fixed instant in 2027.
let testNow: Int64 = 1_800_000_000

struct StaticJWKS: JWKSSource {
    let document: String
    func loadJWKS() throws -> [UInt8] { Array(document.utf8) }
}

struct FailingJWKS: JWKSSource {
    struct Unavailable: Error {}
    func loadJWKS() throws -> [UInt8] { throw Unavailable() }
}

/// Counts loads and serves whatever document the test put in place, to observe re-fetching.
final class CountingJWKS: JWKSSource, @unchecked Sendable {
    private let lock = NSLock()
    private var _document: String?
    private var _loads = 0

    init(document: String?) { _document = document }

    var loads: Int { lock.withLock { _loads } }
    /// nil makes the next loads fail.
    func serve(_ document: String?) { lock.withLock { _document = document } }

    func loadJWKS() throws -> [UInt8] {
        try lock.withLock {
            _loads += 1
            guard let document = _document else { throw FailingJWKS.Unavailable() }
            return Array(document.utf8)
        }
    }
}

func makeVerifier(hmacSecret: [UInt8]? = Vectors.hmacSecret, jwks: JWKSSource? = StaticJWKS(document: Vectors.jwks),
                  issuer: String? = Vectors.issuer, clock: @escaping () -> Int64 = { testNow }) throws -> JWTVerifier {
    try JWTVerifier(hmacSecret: hmacSecret, jwks: jwks, issuer: issuer, now: clock)
}

/// The JWKS members of `Vectors.jwks` at `indices` (0 is `rsa-1`, 1 is `ec-1`).
func jwksKeeping(_ indices: [Int]) throws -> String {
    let keys = try XCTUnwrap(JSONParser.parse(Vectors.jwks)["keys"]?.arrayValue)
    return JSONValue.object(JSONObject([("keys", .array(indices.map { keys[$0] }))])).serialized()
}

/// Claims of a valid user token at `testNow`; tests change one member to break one rule.
func userClaims(_ changes: [String: JSONValue?] = [:]) -> JSONObject {
    var claims = JSONObject([
        ("aud", "authenticated"), ("exp", .int(Int(testNow) + 3600)), ("iat", .int(Int(testNow))),
        ("iss", .string(Vectors.issuer)), ("sub", .string(Vectors.subject)), ("role", "authenticated"),
    ])
    for (key, value) in changes { claims[key] = value }
    return claims
}

func hs256(_ claims: JSONObject, secret: [UInt8] = Vectors.hmacSecret) -> String {
    JWTSigner.signHS256(claims: claims, secret: secret)
}

/// A token assembled from raw parts, for headers no honest signer would write.
func compactToken(header: String, payload: String, signature: [UInt8] = []) -> String {
    [Base64.urlEncode(Array(header.utf8)), Base64.urlEncode(Array(payload.utf8)), Base64.urlEncode(signature)]
        .joined(separator: ".")
}

/// The token with its header (part 0) or payload (part 1) replaced by `json`, signature kept.
func replacingPart(_ index: Int, of token: String, with json: String) -> String {
    var parts = token.split(separator: ".").map(String.init)
    parts[index] = Base64.urlEncode(Array(json.utf8))
    return parts.joined(separator: ".")
}

/// The token with `transform` applied to its decoded signature.
func replacingSignature(of token: String, _ transform: ([UInt8]) -> [UInt8]) -> String {
    var parts = token.split(separator: ".").map(String.init)
    parts[2] = Base64.urlEncode(transform(Base64.urlDecode(parts[2]) ?? []))
    return parts.joined(separator: ".")
}

func assertRejected(_ token: String, by verifier: JWTVerifier, with expected: JWTError,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try verifier.verify(token), file: file, line: line) {
        XCTAssertEqual($0 as? JWTError, expected, file: file, line: line)
    }
}
