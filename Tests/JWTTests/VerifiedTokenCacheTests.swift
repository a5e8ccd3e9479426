import Dispatch
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
        let cache = VerifiedTokenCache(capacity: 2, maximumAgeSeconds: 60)
        let claims = JWTClaimsFixture.make()
        cache.remember(claims, for: TokenDigest("a"), keySetGeneration: 0, now: 0)
        XCTAssertNotNil(cache.claims(for: TokenDigest("a"), keySetGeneration: 0, now: 59))
        XCTAssertNil(cache.claims(for: TokenDigest("a"), keySetGeneration: 0, now: 60))
        cache.remember(claims, for: TokenDigest("b"), keySetGeneration: 0, now: 0)
        cache.remember(claims, for: TokenDigest("c"), keySetGeneration: 0, now: 0)  // full: starts over
        XCTAssertNil(cache.claims(for: TokenDigest("a"), keySetGeneration: 0, now: 1))
        XCTAssertNil(cache.claims(for: TokenDigest("b"), keySetGeneration: 0, now: 1))
        XCTAssertNotNil(cache.claims(for: TokenDigest("c"), keySetGeneration: 0, now: 1))
    }

    /// Full, the cache first makes room by dropping entries past their age; the others stay.
    func testAFullCacheDropsAgedEntriesBeforeStartingOver() {
        let cache = VerifiedTokenCache(capacity: 2, maximumAgeSeconds: 60)
        let claims = JWTClaimsFixture.make()
        cache.remember(claims, for: TokenDigest("old"), keySetGeneration: 0, now: 0)
        cache.remember(claims, for: TokenDigest("recent"), keySetGeneration: 0, now: 50)
        cache.remember(claims, for: TokenDigest("new"), keySetGeneration: 0, now: 70)  // "old" is 70 s old
        XCTAssertNotNil(cache.claims(for: TokenDigest("recent"), keySetGeneration: 0, now: 71))
        XCTAssertNotNil(cache.claims(for: TokenDigest("new"), keySetGeneration: 0, now: 71))
    }

    /// A thousand users polling in turn are all found again (the cache once held 256 and
    /// started over before any token came round).
    func testAThousandPollingTokensStayCached() {
        let cache = VerifiedTokenCache()
        let claims = JWTClaimsFixture.make()
        for user in 0..<1000 { cache.remember(claims, for: TokenDigest("token-\(user)"), keySetGeneration: 0, now: 0) }
        XCTAssertTrue((0..<1000).allSatisfy { cache.claims(for: TokenDigest("token-\($0)"), keySetGeneration: 0, now: 5) != nil })
    }

    /// The cache knows a token by its SHA-256: any other text, however close, is another token.
    func testATokenIsFoundOnlyByItsWholeText() {
        let cache = VerifiedTokenCache()
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"
        cache.remember(JWTClaimsFixture.make(), for: TokenDigest(token), keySetGeneration: 0, now: 0)
        XCTAssertNotNil(cache.claims(for: TokenDigest(token), keySetGeneration: 0, now: 1))
        for other in [String(token.dropLast()), token + "x", String(token.dropLast()) + "m", token.uppercased(), ""] {
            XCTAssertNil(cache.claims(for: TokenDigest(other), keySetGeneration: 0, now: 1), other)
        }
    }

    /// A token verified against an older key set is checked again against the new one.
    func testANewKeySetForgetsTokensVerifiedBeforeIt() {
        let cache = VerifiedTokenCache()
        let claims = JWTClaimsFixture.make()
        cache.remember(claims, for: TokenDigest("a"), keySetGeneration: 0, now: 0)
        XCTAssertNil(cache.claims(for: TokenDigest("a"), keySetGeneration: 1, now: 1))
        cache.remember(claims, for: TokenDigest("b"), keySetGeneration: 1, now: 1)
        XCTAssertNil(cache.claims(for: TokenDigest("a"), keySetGeneration: 0, now: 1), "the older entries are gone")
        XCTAssertNotNil(cache.claims(for: TokenDigest("b"), keySetGeneration: 1, now: 1))
    }

    /// Threads hitting one cache at once: every answer is one that was stored, none is torn.
    func testConcurrentUseFromManyThreads() {
        let cache = VerifiedTokenCache(capacity: 64, maximumAgeSeconds: 60)
        let claims = JWTClaimsFixture.make()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<5000 {
                let token = "t\(thread)-\(round % 100)"
                cache.remember(claims, for: TokenDigest(token), keySetGeneration: round / 1000, now: 0)
                if let found = cache.claims(for: TokenDigest(token), keySetGeneration: round / 1000, now: 1) {
                    XCTAssertEqual(found.subject, claims.subject)
                }
            }
        }
    }
}

enum JWTClaimsFixture {
    static func make() -> JWTClaims {
        // Any verified claims will do; go through the verifier so the value is real.
        try! makeVerifier().verify(hs256(userClaims()))
    }
}
