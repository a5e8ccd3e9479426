import Foundation
import CurlHTTP
import Tailscale
import XCTest

/// Starts a fresh simulator per test and builds clients that record their log lines.
class TailscaleTestCase: XCTestCase {
    var simulator: SimulatorProcess!
    /// Every line any client of this test logged; checked for secrets after each test.
    var logLines: [String] = []

    override func setUpWithError() throws {
        CurlLibrary.initialize()
        simulator = try SimulatorProcess(arguments: simulatorArguments)
        logLines = []
    }

    override func tearDownWithError() throws {
        for line in logLines {
            XCTAssertFalse(line.contains("tskey-"), "a credential leaked into the log: \(line)")
            XCTAssertFalse(line.contains(SimulatorProcess.clientSecret))
        }
        simulator.stop()
        simulator = nil
    }

    var simulatorArguments: [String] { [] }

    func makeClient(
        secret: String = SimulatorProcess.clientSecret, baseURL: String? = nil,
        requestTimeoutMilliseconds: Int = 2000, deadlineMilliseconds: Int = 5000, maxAttempts: Int = 3
    ) -> TailscaleClient {
        let configuration = TailscaleConfiguration(
            baseURL: baseURL ?? simulator.baseURL, clientID: SimulatorProcess.clientID, clientSecret: secret,
            requestTimeoutMilliseconds: requestTimeoutMilliseconds, deadlineMilliseconds: deadlineMilliseconds,
            maxAttempts: maxAttempts, backoffBaseMilliseconds: 50, backoffCapMilliseconds: 200)
        return TailscaleClient(configuration: configuration, log: { [weak self] line in self?.logLines.append(line) })
    }

    /// Runs `body`, expecting `expected`, and returns how long it took in milliseconds.
    @discardableResult
    func assertThrows<T>(
        _ expected: TailscaleError, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws(TailscaleError) -> T
    ) -> Int {
        assertThrows(matching: { $0 == expected }, "\(expected)", file: file, line: line, body)
    }

    /// Like `assertThrows`, for `.unavailable` whatever its reason.
    @discardableResult
    func assertUnavailable<T>(
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws(TailscaleError) -> T
    ) -> Int {
        assertThrows(matching: { if case .unavailable = $0 { true } else { false } }, "unavailable",
                     file: file, line: line, body)
    }

    private func assertThrows<T>(
        matching isExpected: (TailscaleError) -> Bool, _ description: String, file: StaticString, line: UInt,
        _ body: () throws(TailscaleError) -> T
    ) -> Int {
        let start = Date()
        do {
            _ = try body()
            XCTFail("expected \(description), got a result", file: file, line: line)
        } catch {
            XCTAssertTrue(isExpected(error), "expected \(description), got \(error)", file: file, line: line)
            XCTAssertFalse("\(error)".contains("tskey-"), "a credential leaked into an error", file: file, line: line)
        }
        return Int(Date().timeIntervalSince(start) * 1000)
    }
}
