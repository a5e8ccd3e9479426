import JSON
import Tailscale
import XCTest

final class RetryTests: TailscaleTestCase {
    func testRetryAfterIsHonoured() throws {
        try simulator.injectFault(["mode": "429", "count": 1, "retryAfter": 1])
        let client = makeClient()
        _ = try client.listDevices()  // token first, so only the listing is timed
        try simulator.injectFault(["mode": "429", "count": 1, "retryAfter": 1])

        let start = Date()
        XCTAssertEqual(try client.listDevices().count, 0)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.95)
        XCTAssertTrue(logLines.contains { $0.contains("429") })
    }

    func testRetryAfterBeyondTheDeadlineGivesUpAtOnce() throws {
        let client = makeClient(deadlineMilliseconds: 2000)
        try simulator.injectFault(["mode": "429", "count": 1, "retryAfter": 30])
        let elapsed = assertUnavailable { () throws(TailscaleError) in try client.listDevices() }
        XCTAssertLessThan(elapsed, 1000, "does not sleep when the wait cannot fit in the deadline")
        XCTAssertEqual(try simulator.stat("device_list"), 1)
    }

    func testServerErrorsAreRetriedThenUnavailable() throws {
        try simulator.injectFault(["mode": "500", "count": 10])
        let client = makeClient(maxAttempts: 3)
        assertUnavailable { () throws(TailscaleError) in try client.listDevices() }
        XCTAssertEqual(try simulator.stat("device_list"), 3)
        XCTAssertEqual(logLines.filter { $0.contains("retrying") }.count, 2)
    }

    func testServerErrorThenSuccess() throws {
        try simulator.injectFault(["mode": "500", "count": 2])
        XCTAssertEqual(try makeClient(maxAttempts: 3).listDevices().count, 0)
        XCTAssertEqual(try simulator.stat("device_list"), 3)
    }

    func testSlowAnswersNeverPassTheDeadline() throws {
        let client = makeClient(requestTimeoutMilliseconds: 5000, deadlineMilliseconds: 1200)
        try simulator.injectFault(["mode": "slow", "count": 5, "delayMs": 3000])
        let elapsed = assertUnavailable { () throws(TailscaleError) in try client.listDevices() }
        XCTAssertLessThan(elapsed, 1200 + 300)
        XCTAssertGreaterThanOrEqual(elapsed, 1100)
    }

    func testPerAttemptTimeoutThenRetrySucceeds() throws {
        let client = makeClient(requestTimeoutMilliseconds: 300, deadlineMilliseconds: 3000)
        try simulator.injectFault(["mode": "slow", "count": 1, "delayMs": 1000])
        XCTAssertEqual(try client.listDevices().count, 0)
        XCTAssertTrue(logLines.contains { $0.contains("timed out") })
    }

    func testGarbageIsMalformed() throws {
        let client = makeClient()
        try simulator.injectFault(["mode": "garbage", "count": 1])
        assertThrows(.malformedResponse) { () throws(TailscaleError) in try client.listDevices() }
        try simulator.injectFault(["mode": "garbage", "count": 1, "shape": "json"])
        assertThrows(.malformedResponse) { () throws(TailscaleError) in try client.listDevices() }
        try simulator.injectFault(["mode": "garbage", "count": 1, "shape": "json"])
        assertThrows(.malformedResponse) { () throws(TailscaleError) in
            try client.createAuthKey(tags: ["tag:prod"], expirySeconds: 60, description: "x")
        }
    }

    func testUnreachableServerIsUnavailableWithinTheDeadline() throws {
        // A port nobody listens on: the simulator's, once it has stopped.
        let baseURL = simulator.baseURL
        simulator.stop()
        let client = makeClient(baseURL: baseURL, deadlineMilliseconds: 2000)
        let elapsed = assertUnavailable { () throws(TailscaleError) in try client.listDevices() }
        XCTAssertLessThan(elapsed, 2000 + 200)
        XCTAssertEqual(client.tokenRequests, 3)
    }
}
