import VaultCrypto
import JSON
import XCTest
@testable import JWT

/// Good tokens for each algorithm, and every way a token can pick the wrong key or algorithm.
final class AlgorithmTests: XCTestCase {
    func testAcceptsAllThreeAlgorithms() throws {
        let verifier = try makeVerifier()
        for token in [Vectors.rs256, Vectors.es256, Vectors.hs256] {
            let claims = try verifier.verify(token)
            XCTAssertEqual(claims.subject, Vectors.subject)
            XCTAssertEqual(claims.role, .authenticated)
            XCTAssertEqual(claims.audience, ["authenticated"])
            XCTAssertEqual(claims.issuer, Vectors.issuer)
            XCTAssertEqual(claims.expiresAt, 4_102_444_800)
            XCTAssertEqual(claims.issuedAt, 1_700_000_000)
            XCTAssertNil(claims.notBefore)
            XCTAssertEqual(claims.email, "ada@example.com")
            XCTAssertFalse(claims.isAnonymous)
        }
    }

    func testSignerRoundTripsAndNamesItsKey() throws {
        let token = JWTSigner.signHS256(claims: userClaims(), secret: Vectors.hmacSecret, keyID: "legacy")
        let header = try JSONParser.parse(XCTUnwrap(Base64.urlDecode(String(token.prefix { $0 != "." }))))
        XCTAssertEqual(header["alg"], "HS256")
        XCTAssertEqual(header["kid"], "legacy")
        XCTAssertEqual(try makeVerifier().verify(token).subject, Vectors.subject)
    }

    func testRefusesAlgNoneAndOtherAlgorithms() throws {
        let verifier = try makeVerifier()
        let payload = JSONValue.object(userClaims()).serialized()
        for header in [#"{"alg":"none"}"#, #"{"alg":"None","typ":"JWT"}"#, #"{"alg":"HS512"}"#, #"{"alg":"PS256"}"#,
                       #"{"typ":"JWT"}"#, #"{"alg":256}"#, #"{"alg":"HS256","crit":["b64"]}"#] {
            assertRejected(compactToken(header: header, payload: payload), by: verifier, with: .unsupportedAlgorithm)
        }
    }

    /// The classic confusion attack: the RSA public key is public, so an HS256 token "signed"
    /// with it as the HMAC secret must never verify, however the key is spelled.
    func testRefusesHS256SignedWithThePublicKeyAsSecret() throws {
        let spellings: [[UInt8]] = [
            Array(Vectors.rsaPublicKeyPEM.utf8), Array((Vectors.rsaPublicKeyPEM + "\n").utf8),
            Array((Vectors.rsaPublicKeyPKCS1PEM + "\n").utf8), try XCTUnwrap(Base64.decode(Vectors.rsaPublicKeyDER)),
        ]
        let withSecret = try makeVerifier()
        let withoutSecret = try makeVerifier(hmacSecret: nil)
        for secret in spellings {
            for keyID in [nil, "rsa-1"] {
                let forged = JWTSigner.signHS256(claims: userClaims(), secret: secret, keyID: keyID)
                assertRejected(forged, by: withSecret, with: .badSignature)
                assertRejected(forged, by: withoutSecret, with: .unknownKey)
            }
        }
    }

    func testRefusesAKeyOfTheWrongType() throws {
        let verifier = try makeVerifier()
        assertRejected(Vectors.rs256WithECKeyID, by: verifier, with: .keyAlgorithmMismatch)
        assertRejected(Vectors.rs256WithPS256Key, by: verifier, with: .keyAlgorithmMismatch)
        // An ES256 header naming the RSA key, carrying a genuine ES256 signature.
        let esHeaderOnRSA = replacingPart(0, of: Vectors.es256, with: #"{"alg":"ES256","kid":"rsa-1"}"#)
        assertRejected(esHeaderOnRSA, by: verifier, with: .keyAlgorithmMismatch)
    }

    func testRefusesAFlippedSignatureCharacter() throws {
        let verifier = try makeVerifier()
        for token in [Vectors.rs256, Vectors.es256, Vectors.hs256, hs256(userClaims())] {
            var characters = Array(token)
            let index = characters.count - 10
            characters[index] = characters[index] == "A" ? "B" : "A"
            assertRejected(String(characters), by: verifier, with: .badSignature)
        }
    }

    func testRefusesATamperedPayload() throws {
        let elevated = JSONValue.object(userClaims(["role": "service_role"])).serialized()
        assertRejected(replacingPart(1, of: Vectors.rs256, with: elevated), by: try makeVerifier(), with: .badSignature)
    }

    func testRefusesES256SignaturesOfAnyOtherLength() throws {
        let verifier = try makeVerifier()
        let transforms: [([UInt8]) -> [UInt8]] = [{ $0 + [0] }, { Array($0.dropLast()) }, { [0] + $0 }, { _ in [] },
                                                  { Array($0.prefix(32)) }]
        for transform in transforms {
            assertRejected(replacingSignature(of: Vectors.es256, transform), by: verifier, with: .badSignature)
        }
        // The DER form of a valid signature is not a JWS signature either.
        let raw = try XCTUnwrap(Base64.urlDecode(String(Vectors.es256.split(separator: ".")[2])))
        let der = try XCTUnwrap(ECDSASignature.derFromRawP256(raw))
        assertRejected(replacingSignature(of: Vectors.es256) { _ in der }, by: verifier, with: .badSignature)
    }

    func testVerifiesASingleKeySetWithoutKeyID() throws {
        let ecOnly = try makeVerifier(jwks: StaticJWKS(document: jwksKeeping([1])))
        XCTAssertNoThrow(try ecOnly.verify(Vectors.es256WithoutKeyID))
        // With several keys, a token must say which one it means.
        assertRejected(Vectors.es256WithoutKeyID, by: try makeVerifier(), with: .unknownKey)
    }
}
