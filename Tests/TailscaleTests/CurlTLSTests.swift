import Foundation
import CurlHTTP
import JSON
import XCTest

/// HTTPS as the real Tailscale API is reached: the simulator serves a certificate of the test's
/// own making, and the client verifies it against the authorities it was given.
final class CurlTLSTests: XCTestCase {
    /// A throwaway authority and a certificate for 127.0.0.1 (and no other name) signed by it,
    /// made once for this class by Tests/support/make-test-authority.sh.
    private static var folder: URL!
    private static var authority: String { folder.appendingPathComponent("authority.pem").path }
    private static var certificate: String { folder.appendingPathComponent("certificate.pem").path }
    private static var key: String { folder.appendingPathComponent("key.pem").path }

    private var simulator: SimulatorProcess!
    private var trusted: TrustedAuthorities!

    override class func setUp() {
        super.setUp()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nexus-tls-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("support/make-test-authority.sh")
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: "/bin/sh")
        maker.arguments = [script.path, folder.path]
        try? maker.run()
        maker.waitUntilExit()
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: folder)
        super.tearDown()
    }

    override func setUpWithError() throws {
        CurlLibrary.initialize()
        trusted = try XCTUnwrap(TrustedAuthorities(bundleFile: Self.authority), "make-test-authority.sh made no authority")
        simulator = try SimulatorProcess(arguments: ["--tls-cert", Self.certificate, "--tls-key", Self.key],
                                         trustedAuthorities: trusted)
        XCTAssertTrue(simulator.baseURL.hasPrefix("https://127.0.0.1:"), simulator.baseURL)
    }

    override func tearDownWithError() throws {
        simulator.stop()
    }

    func testAPeerSignedByATrustedAuthorityIsAccepted() throws {
        let client = CurlClient(trustedAuthorities: trusted)
        XCTAssertEqual(try client.send(CurlRequest(url: simulator.baseURL + "/_sim/stats")).status, 200)
        // Again, on the kept connection.
        XCTAssertEqual(try client.send(CurlRequest(url: simulator.baseURL + "/_sim/stats")).status, 200)
    }

    func testAPeerTheSystemDoesNotTrustIsRefused() {
        // The default: the system's authorities, none of which signed the test's certificate.
        XCTAssertThrowsError(try CurlClient().send(CurlRequest(url: simulator.baseURL + "/_sim/stats"))) { error in
            Self.assertRefusedByVerification(error)
        }
    }

    func testAPeerWithAnotherNameIsRefusedEvenWhenItsAuthorityIsTrusted() {
        let otherName = simulator.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        XCTAssertThrowsError(try CurlClient(trustedAuthorities: trusted).send(CurlRequest(url: otherName + "/_sim/stats"))) { error in
            Self.assertRefusedByVerification(error)
        }
    }

    func testABundleWithoutCertificatesIsNoTrustStore() throws {
        XCTAssertNil(TrustedAuthorities(bundleFile: Self.folder.appendingPathComponent("missing.pem").path))
        let empty = Self.folder.appendingPathComponent("empty.pem")
        try Data().write(to: empty)
        XCTAssertNil(TrustedAuthorities(bundleFile: empty.path))
    }

    /// Many connections at once share one parsed copy of the authorities. With a connection of
    /// its own reading Debian's 140 certificates, each kept connection cost about 850 KiB: 24 of
    /// them about 20 MiB. Shared, they cost about 60 KiB each.
    func testConcurrentConnectionsShareOneCopyOfTheAuthorities() throws {
        let bundle = Self.folder.appendingPathComponent("system-and-test.pem")
        let system = try Data(contentsOf: URL(fileURLWithPath: "/etc/ssl/certs/ca-certificates.crt"))
        try (system + Data(contentsOf: URL(fileURLWithPath: Self.authority))).write(to: bundle)
        let client = CurlClient(trustedAuthorities: try XCTUnwrap(TrustedAuthorities(bundleFile: bundle.path)))

        // Every call waits in the simulator, so all of them hold a connection at the same time.
        let connections = 24
        try simulator.injectFault(["mode": "slow", "count": .int(connections), "delayMs": 400])
        let before = try Self.residentKiB()
        let finished = DispatchGroup()
        let statuses = Statuses()
        for _ in 0..<connections {
            finished.enter()
            Thread.detachNewThread { [simulator] in
                let status = try? client.send(CurlRequest(url: simulator!.baseURL + "/api/v2/tailnet/-/devices")).status
                statuses.append(status)
                finished.leave()
            }
        }
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
        let grown = try Self.residentKiB() - before

        XCTAssertEqual(statuses.all.count, connections)
        XCTAssertTrue(statuses.all.allSatisfy { $0 == 401 }, "\(statuses.all)")  // verified, connected, answered (no token)
        XCTAssertLessThan(grown, 8 * 1024, "\(connections) TLS connections grew the process by \(grown) KiB")
    }

    /// Connected, and then refused the peer's certificate (not, say, refused to connect at all).
    private static func assertRefusedByVerification(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        guard case .connectionFailed(let reason)? = error as? CurlError else { return XCTFail("\(error)", file: file, line: line) }
        XCTAssertTrue(reason.contains("SSL peer certificate"), reason, file: file, line: line)
    }

    private final class Statuses: @unchecked Sendable {
        private let lock = NSLock()
        private var statuses: [Int?] = []
        func append(_ status: Int?) { lock.lock(); statuses.append(status); lock.unlock() }
        var all: [Int?] { lock.lock(); defer { lock.unlock() }; return statuses }
    }

    private static func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try XCTUnwrap(Int(line.split(separator: " ")[1]))
    }
}
