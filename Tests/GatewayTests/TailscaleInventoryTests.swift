import JSON
import Tailscale
import XCTest
@testable import Gateway

/// The pure parts of the Tailscale actions: key descriptions, the compatibility fields, and the
/// name rules.
final class TailscaleInventoryTests: XCTestCase {
    private func device(_ json: String) throws -> TailscaleDevice {
        try TailscaleDevice(json: XCTUnwrap(JSONParser.parse(json).objectValue))
    }

    func testDescriptionKeepsOnlyWhatTailscaleAccepts() {
        let description = AuthKeyDescription.make(user: "José O'Brien", organization: "Acme, Inc. (Ñandú)")
        XCTAssertEqual(description, "Jos O Brien - Acme Inc and")
        XCTAssertTrue(description.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == " " || $0 == "-" || ("0"..."9").contains($0)) })
    }

    func testDescriptionFitsFiftyCharactersWithBothNames() {
        let long = String(repeating: "Abcdefghij ", count: 10)
        let description = AuthKeyDescription.make(user: long, organization: "Organization of Very Long Names Worldwide")
        XCTAssertLessThanOrEqual(description.count, 50)
        XCTAssertTrue(description.contains(" - Organization"))
        XCTAssertEqual(AuthKeyDescription.make(user: "Ana", organization: ""), "Ana")
        XCTAssertEqual(AuthKeyDescription.make(user: "", organization: "Org"), "Org")
    }

    func testCompatibleDeviceAddsIpAddressesAndOnline() throws {
        let node = try device(#"{"id":"7","nodeId":"n7","hostname":"box","name":"box.tail.ts.net","addresses":["100.64.0.7","fd7a::7"],"os":"linux"}"#)
        let full = CompatibleDevice.full(node, online: true)
        XCTAssertEqual(full["nodeId"], "n7")
        XCTAssertEqual(full["ipAddresses"], ["100.64.0.7", "fd7a::7"])
        XCTAssertEqual(full["online"], true)
        let summary = try XCTUnwrap(CompatibleDevice.summary(node).objectValue)
        XCTAssertEqual(summary.keys, ["id", "name", "hostname", "os", "lastSeen", "ipAddresses", "tags"])
        XCTAssertEqual(summary["lastSeen"], .null)
    }

    func testNameRules() {
        XCTAssertEqual(AccessibleDevice.expectedHostname(forName: "Field Tablet 2"), "field-tablet-2")
        XCTAssertEqual(NodeLookup.normalizedIdentifier("Box.Tail.ts.net."), "box.tail.ts.net")
    }

    func testTheActionListIsTheContracts() {
        XCTAssertEqual(TailscaleAPIFunction.actions,
                       ["list-devices", "check-device", "generate-auth-key", "validate-enrollment", "sync-devices"])
        XCTAssertTrue(CheckDeviceAction.acceptsAnonymousKey)
        XCTAssertFalse(ListDevicesAction.acceptsAnonymousKey)
    }
}
