import VaultCrypto
import Dispatch
import Foundation
import JSON
import OperatingSystem
import XCTest
@testable import JWT

/// Loading the JWKS, re-loading it past its maximum age, and re-fetching it when a token names a
/// key we do not know.
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

    /// A key the issuer removes stops verifying once the set is `maximumAge` old, even for a
    /// token that was verified (and cached) with it a moment before.
    func testARemovedKeyStopsVerifyingWithinTheMaximumAge() throws {
        let path = NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
        try jwksKeeping([0, 1]).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var clock = testNow
        let verifier = try JWTVerifier(hmacSecret: nil, jwks: JWKSFile(path: path), issuer: Vectors.issuer,
                                       jwksMaximumAge: 600, now: { clock })
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256))

        try jwksKeeping([1]).write(toFile: path, atomically: true, encoding: .utf8)  // rsa-1 revoked
        clock += 599
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256), "the set is not yet past its age")
        clock += 1
        assertRejected(Vectors.rs256, by: verifier, with: .unknownKey)
        XCTAssertNoThrow(try verifier.verify(Vectors.es256), "the key that stayed still verifies")
    }

    func testAFailedReloadPastTheMaximumAgeKeepsTheLastGoodSet() throws {
        let source = CountingJWKS(document: Vectors.jwks)
        let logged = LogLines()
        var clock = testNow
        let verifier = try JWTVerifier(hmacSecret: nil, jwks: source, issuer: Vectors.issuer, jwksMaximumAge: 600,
                                       jwksRefetchInterval: 60, now: { clock }, log: logged.append)
        source.serve(nil)
        clock += 600
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256))
        XCTAssertEqual(source.loads, 2)
        XCTAssertEqual(logged.lines.count, 1)
        XCTAssertTrue(logged.lines[0].contains("JWKS reload failed"), logged.lines[0])
        XCTAssertFalse(logged.lines[0].contains("6EIb-Np6"), "no key material in the log")

        clock += 59
        XCTAssertNoThrow(try verifier.verify(Vectors.rs256))
        XCTAssertEqual(source.loads, 2, "a failed load is retried no sooner than the refetch interval")
        source.serve(try jwksKeeping([1]))
        clock += 1
        assertRejected(Vectors.rs256, by: verifier, with: .unknownKey)
        XCTAssertEqual(source.loads, 3)
    }

    /// Threads verifying at once while the set ages and changes: each age period costs exactly
    /// one load (the threads that find it stale while another fetches use the current set), and
    /// every answer is the one the set in force gives.
    func testConcurrentVerificationAcrossReloads() throws {
        let source = CountingJWKS(document: Vectors.jwks)
        let clock = LockedClock(testNow)
        let verifier = try JWTVerifier(hmacSecret: Vectors.hmacSecret, jwks: source, issuer: Vectors.issuer,
                                       jwksMaximumAge: 600, now: clock.read)
        let rsaRevoked = try jwksKeeping([1])
        for period in 1...6 {
            let withoutRSA = period % 2 == 0
            source.serve(withoutRSA ? rsaRevoked : Vectors.jwks)
            clock.advance(by: 600)
            let failures = Locked(0)
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for round in 0..<300 {
                    let token = [Vectors.rs256, Vectors.es256, Vectors.hs256, hs256(userClaims(["n": .int(round)]))][(thread + round) % 4]
                    do {
                        _ = try verifier.verify(token)
                    } catch {
                        // Only RS256 may fail, and only in a period without its key.
                        if !(withoutRSA && token == Vectors.rs256 && (error as? JWTError) == .unknownKey) { failures.withLock { $0 += 1 } }
                    }
                }
            }
            XCTAssertEqual(failures.withLock { $0 }, 0, "period \(period)")
            XCTAssertEqual(source.loads, 1 + period, "one load per age period, period \(period)")
        }
    }
}

/// Collects log lines from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    var lines: [String] { lock.withLock { _lines } }
    func append(_ line: String) { lock.withLock { _lines.append(line) } }
}

/// A test clock that threads read while the test moves it.
final class LockedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ now: Int64) { self.now = now }
    func read() -> Int64 { lock.withLock { now } }
    func advance(by seconds: Int64) { lock.withLock { now += seconds } }
}
