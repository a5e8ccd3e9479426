import JSON
import XCTest
@testable import JWT

/// The claim rules, exercised with HS256 tokens minted per test.
final class ClaimTests: XCTestCase {
    private let now = Int(testNow)

    func testExpiryIsRequiredAndHonoursLeeway() throws {
        let verifier = try makeVerifier()
        assertRejected(hs256(userClaims(["exp": nil])), by: verifier, with: .missingExpiry)
        assertRejected(hs256(userClaims(["exp": "4102444800"])), by: verifier, with: .malformed)
        assertRejected(hs256(userClaims(["exp": .int(now - 31)])), by: verifier, with: .expired)
        assertRejected(hs256(userClaims(["exp": .int(now - 30)])), by: verifier, with: .expired)
        XCTAssertNoThrow(try verifier.verify(hs256(userClaims(["exp": .int(now - 29)]))))
        XCTAssertNoThrow(try verifier.verify(hs256(userClaims(["exp": .double(Double(now) + 0.5)]))))
        XCTAssertNoThrow(try verifier.verify(hs256(userClaims(["exp": .int(Int.max)]))))
    }

    func testNotBeforeHonoursLeeway() throws {
        let verifier = try makeVerifier()
        assertRejected(hs256(userClaims(["nbf": .int(now + 31)])), by: verifier, with: .notYetValid)
        XCTAssertEqual(try verifier.verify(hs256(userClaims(["nbf": .int(now + 30)]))).notBefore, testNow + 30)
        assertRejected(hs256(userClaims(["nbf": "soon"])), by: verifier, with: .malformed)
    }

    func testUserTokensNeedTheAuthenticatedAudience() throws {
        let verifier = try makeVerifier()
        for audience: JSONValue? in [nil, "anon", ["api", "other"], [1]] {
            assertRejected(hs256(userClaims(["aud": audience])), by: verifier, with: .wrongAudience)
        }
        XCTAssertEqual(try verifier.verify(hs256(userClaims(["aud": ["api", "authenticated"]]))).audience,
                       ["api", "authenticated"])
    }

    func testUserTokensNeedAUUIDSubject() throws {
        let verifier = try makeVerifier()
        for subject: JSONValue? in [nil, "", "not-a-uuid", "6f1c1d9e3b0a4c559d8e2f4a8b7c6d5e00000",
                                    "6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5g", 42] {
            assertRejected(hs256(userClaims(["sub": subject])), by: verifier, with: .invalidSubject)
        }
        XCTAssertNoThrow(try verifier.verify(hs256(userClaims(["sub": .string(Vectors.subject.uppercased())]))))
    }

    func testRoleMustBeKnown() throws {
        let verifier = try makeVerifier()
        for role: JSONValue? in [nil, "admin", "supabase_admin", "", 1] {
            assertRejected(hs256(userClaims(["role": role])), by: verifier, with: .invalidRole)
        }
    }

    func testUserTokensMustCarryTheConfiguredIssuer() throws {
        let verifier = try makeVerifier()
        for issuer: JSONValue? in [nil, "supabase", "https://evil.example/auth/v1", .string(Vectors.issuer + "/")] {
            assertRejected(hs256(userClaims(["iss": issuer])), by: verifier, with: .wrongIssuer)
        }
        let anyIssuer = try makeVerifier(issuer: nil)
        XCTAssertNoThrow(try anyIssuer.verify(hs256(userClaims(["iss": "https://elsewhere.example"]))))
    }

    /// Supabase's anon and service keys: `iss` "supabase", no `aud`, no `sub`.
    func testAPIKeysWithoutAudienceOrSubjectAreAccepted() throws {
        let verifier = try makeVerifier()
        for role in ["anon", "service_role"] {
            let apiKey = JSONObject([("iss", "supabase"), ("role", .string(role)), ("iat", 1_700_000_000),
                                     ("exp", 4_102_444_800)])
            let claims = try verifier.verify(hs256(apiKey))
            XCTAssertEqual(claims.role.rawValue, role)
            XCTAssertEqual(claims.audience, [])
            XCTAssertNil(claims.subject)

            var withProjectIssuer = apiKey
            withProjectIssuer["iss"] = .string(Vectors.issuer)
            XCTAssertNoThrow(try verifier.verify(hs256(withProjectIssuer)))

            var withForeignIssuer = apiKey
            withForeignIssuer["iss"] = "https://evil.example"
            assertRejected(hs256(withForeignIssuer), by: verifier, with: .wrongIssuer)
        }
    }

    /// `is_anonymous` counts only as the boolean true; anything else is a normal sign-in.
    func testAnonymousSignInIsReadFromItsClaim() throws {
        let verifier = try makeVerifier()
        XCTAssertTrue(try verifier.verify(hs256(userClaims(["is_anonymous": .bool(true)]))).isAnonymous)
        XCTAssertFalse(try verifier.verify(hs256(userClaims(["is_anonymous": .string("true")]))).isAnonymous)
        XCTAssertFalse(try verifier.verify(hs256(userClaims())).isAnonymous)
    }
}
