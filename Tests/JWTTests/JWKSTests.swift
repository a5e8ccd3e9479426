import Crypto
import Foundation
import JSON
import XCTest
@testable import JWT

/// Loading the JWKS, and re-fetching it when a token names a key we do not know.
final class JWKSTests: XCTestCase {
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

    func testIgnoresEncryptionKeys() throws {
        let namingEncryptionKey = replacingPart(0, of: Vectors.rs256, with: #"{"alg":"RS256","kid":"rsa-enc"}"#)
        assertRejected(namingEncryptionKey, by: try makeVerifier(), with: .unknownKey)
    }

    /// A point that is not on P-256 would enable invalid-curve attacks; OpenSSL must refuse it.
    func testIgnoresECKeysOffTheCurve() throws {
        var ecKey = try XCTUnwrap(JSONParser.parse(Vectors.jwks)["keys"]?.arrayValue?[1].objectValue)
        var y = try XCTUnwrap(ecKey["y"]?.stringValue.flatMap(Base64.urlDecode))
        y[31] ^= 0x01
        ecKey["y"] = .string(Base64.urlEncode(y))
        let offCurve = JSONValue.object(JSONObject([("keys", [.object(ecKey)])])).serialized()
        XCTAssertThrowsError(try makeVerifier(hmacSecret: nil, jwks: StaticJWKS(document: offCurve))) {
            XCTAssertEqual($0 as? JWKSError, .noUsableKeys)
        }
    }

    func testIgnoresRSAKeysShorterThan2048Bits() {
        let weak = #"""
            {"keys":[{"kty":"RSA","kid":"weak","e":"AQAB","n":"v1kM3cqRpVLD7FPdo6hqRr_KBx9c4vWxz6i_VGuiNe0-Ap_9i-DuDYVh\#
            W3UPDtD0pQGtBSSIsIhcX_VW9NgfV_FL_-RnfISavBL1OsZKlXbSvH4nqNK_ugN-AOj_jM-5VCcebI1j9PtKTT0YcgdpHrggin2-oNQb54\#
            bSBUbNtws"}]}
            """#
        XCTAssertThrowsError(try makeVerifier(hmacSecret: nil, jwks: StaticJWKS(document: weak))) {
            XCTAssertEqual($0 as? JWKSError, .noUsableKeys)
        }
    }

    func testUnknownKeyIDRefetchesAtMostOncePerInterval() throws {
        let source = CountingJWKS(document: try jwksKeeping([0]))
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
