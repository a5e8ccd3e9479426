import JSON
import XCTest
@testable import JWT

/// The verifier remembers tokens it verified; the time-dependent checks still run every time.
final class VerifiedTokenCacheTests: XCTestCase {
    func testACachedTokenStillExpires() throws {
        var clock = testNow
        let verifier = try JWTVerifier(hmacSecret: Vectors.hmacSecret, jwks: nil, issuer: nil, now: { clock })
        let token = hs256(userClaims(["exp": .int(Int(testNow) + 60)]))
        XCTAssertNoThrow(try verifier.verify(token))
        clock += 59
        XCTAssertNoThrow(try verifier.verify(token))  // from the cache
        clock += 32  // past exp and the 30 s leeway
        XCTAssertThrowsError(try verifier.verify(token)) { XCTAssertEqual($0 as? JWTError, .expired) }
    }

    func testATamperedTokenIsNotTakenForACachedOne() throws {
        let verifier = try makeVerifier()
        let token = hs256(userClaims())
        XCTAssertNoThrow(try verifier.verify(token))
        assertRejected(replacingSignature(of: token) { $0.map { $0 ^ 1 } }, by: verifier, with: .badSignature)
    }

    func testEntriesAgeOutAndTheCacheIsBounded() {
        var cache = VerifiedTokenCache(capacity: 2, maximumAgeSeconds: 60)
        let claims = JWTClaimsFixture.make()
        cache.remember(claims, for: "a", now: 0)
        XCTAssertNotNil(cache.claims(for: "a", now: 59))
        XCTAssertNil(cache.claims(for: "a", now: 60))
        cache.remember(claims, for: "b", now: 0)
        cache.remember(claims, for: "c", now: 0)  // full: starts over
        XCTAssertNil(cache.claims(for: "a", now: 1))
        XCTAssertNil(cache.claims(for: "b", now: 1))
        XCTAssertNotNil(cache.claims(for: "c", now: 1))
    }
}

enum JWTClaimsFixture {
    static func make() -> JWTClaims {
        // Any verified claims will do; go through the verifier so the value is real.
        try! makeVerifier().verify(hs256(userClaims()))
    }
}
