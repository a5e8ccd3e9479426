import Foundation
import JSON
import XCTest
@testable import JWT

/// Loading the JWKS, and re-fetching it when a token names a key we do not know.
final class JWKSTests: XCTestCase {
    private let rsaOnly = #"{"keys":[\#(try! JSONParser.parse(Vectors.jwks)["keys"]!.arrayValue![0].serialized())]}"#

    func testBadSourcesFailAtStart() {
        let cases: [(JWKSSource, JWKSError)] = [
            (FailingJWKS(), .unreadable), (JWKSFile(path: "/nonexistent/jwks.json"), .unreadable),
            (StaticJWKS(document: "<html>"), .malformed), (StaticJWKS(document: #"{"keys":{}}"#), .malformed),
            (StaticJWKS(document: #"{"keys":[]}"#), .noUsableKeys),
            (StaticJWKS(document: #"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#), .noUsableKeys),
        ]
        for (source, expected) in cases {
            XCTAssertThrowsError(try JWTVerifier(hmacSecret: nil, jwks: source, issuer: nil)) {
                XCTAssertEqual($0 as? JWKSError, expected)
            }
        }
    }

    /// Projects on the legacy secret publish an empty key set; that is fine while HS256 works.
    func testEmptyKeySetIsAcceptedAlongsideAnHMACSecret() throws {
        let verifier = try makeVerifier(jwks: StaticJWKS(document: #"{"keys":[]}"#))
        XCTAssertNoThrow(try verifier.verify(Vectors.hs256))
        assertRejected(Vectors.rs256, by: verifier, with: .unknownKey)
    }

    func testIgnoresEncryptionKeysAndPointsOffTheCurve() throws {
        let verifier = try makeVerifier()
        let namingEncryptionKey = replacingPart(0, of: Vectors.rs256, with: #"{"alg":"RS256","kid":"rsa-enc"}"#)
        assertRejected(namingEncryptionKey, by: verifier, with: .unknownKey)

        let offCurve = Vectors.jwks.replacingOccurrences(of: #""y":""#, with: #""y":"AA"#)
        XCTAssertThrowsError(try makeVerifier(hmacSecret: nil, jwks: StaticJWKS(document: offCurve
            .replacingOccurrences(of: #""kty":"RSA""#, with: #""kty":"none""#))))
    }

    func testUnknownKeyIDRefetchesAtMostOncePerInterval() throws {
        let source = CountingJWKS(document: rsaOnly)
        var clock = testNow
        let verifier = try makeVerifier(jwks: source, clock: { clock })
        XCTAssertEqual(source.loads, 1)

        // The EC key appears (a rotation) right after start: too soon to look again.
        source.serve(Vectors.jwks)
        assertRejected(Vectors.es256, by: verifier, with: .unknownKey)
        XCTAssertEqual(source.loads, 1)

        clock += 60
        XCTAssertNoThrow(try verifier.verify(Vectors.es256))
        XCTAssertEqual(source.loads, 2)

        // A flood of made-up key ids costs at most one load per interval.
        let bogus = compactToken(header: #"{"alg":"RS256","kid":"bogus"}"#, payload: "{}", signature: [1])
        for _ in 0..<100 { assertRejected(bogus, by: verifier, with: .unknownKey) }
        XCTAssertEqual(source.loads, 2)
        clock += 59
        assertRejected(bogus, by: verifier, with: .unknownKey)
        XCTAssertEqual(source.loads, 2)
        clock += 1
        assertRejected(bogus, by: verifier, with: .unknownKey)
        XCTAssertEqual(source.loads, 3)
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256), "known keys never trigger a load")
        XCTAssertEqual(source.loads, 3)
    }

    func testFailedRefetchKeepsTheKnownKeys() throws {
        let source = CountingJWKS(document: Vectors.jwks)
        var clock = testNow
        let verifier = try makeVerifier(jwks: source, clock: { clock })
        source.serve(nil)
        clock += 3600
        assertRejected(compactToken(header: #"{"alg":"ES256","kid":"gone"}"#, payload: "{}"), by: verifier,
                       with: .unknownKey)
        XCTAssertEqual(source.loads, 2)
        XCTAssertNoThrow(try verifier.verify(Vectors.es256))
    }

    func testReadsAKeySetFromAFile() throws {
        let path = NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
        try Vectors.jwks.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let verifier = try makeVerifier(jwks: JWKSFile(path: path))
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256))
        XCTAssertNoThrow(try verifier.verify(Vectors.es256))
    }
}
