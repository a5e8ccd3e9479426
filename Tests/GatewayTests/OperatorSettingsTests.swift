import Foundation
import XCTest
@testable import Gateway

/// The settings of the operator features: live updates for the monitor page, what a
/// revocation does to the device's node, and the authorities outgoing HTTPS trusts.
final class OperatorSettingsTests: XCTestCase {
    func testDefaultsLeaveLiveUpdatesOffAndDeleteRevokedNodes() throws {
        let settings = try Settings.load(environment: SettingsTests.minimal, envFile: nil)
        XCTAssertNil(settings.monitor.publishURL)
        XCTAssertEqual(settings.revokedNode, .delete)
    }

    func testAcceptedValues() throws {
        var environment = SettingsTests.minimal
        environment["MONITOR_PUBLISH_URL"] = "http://127.0.0.1:8091/publish/"
        environment["REVOCATION_NODE_ACTION"] = "expire"
        let settings = try Settings.load(environment: environment, envFile: nil)
        XCTAssertEqual(settings.monitor.publishURL, "http://127.0.0.1:8091/publish")
        XCTAssertEqual(settings.revokedNode, .expire)
        XCTAssertTrue(settings.summary.contains { $0 == ("MONITOR_PUBLISH_URL", "http://127.0.0.1:8091/publish/") })
    }

    func testRefusedValuesAreReported() {
        var environment = SettingsTests.minimal
        environment["MONITOR_PUBLISH_URL"] = "127.0.0.1:8091"
        environment["REVOCATION_NODE_ACTION"] = "disable"
        XCTAssertThrowsError(try Settings.load(environment: environment, envFile: nil)) { error in
            let problems = (error as? SettingsError)?.problems ?? []
            XCTAssertEqual(problems, [
                "MONITOR_PUBLISH_URL must be an http:// or https:// URL",
                "REVOCATION_NODE_ACTION must be one of delete, expire, not \"disable\"",
            ])
        }
    }

    func testTheTrustedAuthoritiesFileMustHoldACertificate() throws {
        XCTAssertNil(try Settings.load(environment: SettingsTests.minimal, envFile: nil).trustedAuthorities)

        var environment = SettingsTests.minimal
        let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("nexus-ca-\(UUID().uuidString).pem")
        try FileManager.default.copyItem(atPath: "/etc/ssl/certs/ca-certificates.crt", toPath: bundle.path)
        defer { try? FileManager.default.removeItem(at: bundle) }
        environment["TLS_CA_FILE"] = bundle.path
        let settings = try Settings.load(environment: environment, envFile: nil)
        XCTAssertNotNil(settings.trustedAuthorities)
        XCTAssertTrue(settings.summary.contains { $0 == ("TLS_CA_FILE", bundle.path) })

        // Gone by the time a process (a worker starting later) reads its settings: that process
        // fails rather than trusting the system's authorities instead.
        try FileManager.default.removeItem(at: bundle)
        XCTAssertThrowsError(try Settings.load(environment: environment, envFile: nil)) { error in
            XCTAssertEqual((error as? SettingsError)?.problems, ["TLS_CA_FILE: no certificate could be read from \(bundle.path)"])
        }
        try Data("not a certificate\n".utf8).write(to: bundle)
        XCTAssertThrowsError(try Settings.load(environment: environment, envFile: nil)) { error in
            XCTAssertEqual((error as? SettingsError)?.problems, ["TLS_CA_FILE: no certificate could be read from \(bundle.path)"])
        }
    }
}
