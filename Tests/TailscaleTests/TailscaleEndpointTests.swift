import XCTest
@testable import Tailscale

final class TailscaleEndpointTests: XCTestCase {
    func testOperationsAreNamedWithoutTheirIds() {
        let cases = [
            ("POST /api/v2/oauth/token", "token"),
            ("GET /api/v2/tailnet/-/devices", "device_list"),
            ("POST /api/v2/tailnet/example.com/keys", "key_create"),
            ("GET /api/v2/tailnet/-/keys/kAbC123CNTRL", "key_get"),
            ("DELETE /api/v2/tailnet/-/keys/kAbC123CNTRL", "key_delete"),
            ("GET /api/v2/device/12345", "device_get"),
            ("DELETE /api/v2/device/12345", "device_delete"),
            ("POST /api/v2/device/12345/expire", "device_expire"),
            ("PUT /api/v2/device/12345/tags", "other"),
            ("GET /somewhere/else", "other"),
            ("garbage", "other"),
        ]
        for (operation, name) in cases {
            XCTAssertEqual(TailscaleEndpoint.name(ofOperation: operation), name, operation)
        }
    }
}
