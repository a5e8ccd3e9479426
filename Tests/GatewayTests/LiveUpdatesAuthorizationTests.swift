import XCTest
@testable import Gateway

/// Which organization's channel a live-updates subscription asks for.
final class LiveUpdatesAuthorizationTests: XCTestCase {
    let organization = "0b6f3a4e-2d1c-4f5e-9a8b-7c6d5e4f3a2b"

    func testTheOrganizationOfTheSubscriptionPath() {
        XCTAssertEqual(LiveUpdatesAuthorization.organization(in: "/monitor/live/\(organization)"), organization)
        XCTAssertEqual(LiveUpdatesAuthorization.organization(in: "/monitor/live/\(organization.uppercased())?x=1"), organization)
    }

    func testAnythingElseNamesNoOrganization() {
        for uri in ["", "/monitor/live/", "/monitor/live/not-a-uuid", "/monitor/live/\(organization)/more",
                    "/functions/v1/device-enrollment", "/monitor/\(organization)"] {
            XCTAssertNil(LiveUpdatesAuthorization.organization(in: uri), uri)
        }
    }
}
