import XCTest
@testable import Gateway

/// The settings of the operator features: live updates for the monitor page, and what a
/// revocation does to the device's node.
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
}
