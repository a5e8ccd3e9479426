import JSON
import Tailscale
import XCTest
@testable import Gateway

/// The pure parts of the Tailscale actions: key descriptions, the records a sync writes, the
/// compatibility fields, and the name matching rules.
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

    func testRecordsDropRepeatedIdsAndEmptyStrings() throws {
        let first = try device(#"{"id":"1","hostname":"a","created":"","addresses":["100.64.0.1"],"connectedToControl":true}"#)
        let repeated = try device(#"{"id":"1","hostname":"b"}"#)
        let records = try XCTUnwrap(JSONParser.parse(InventoryRecords.json(for: [first, repeated])).arrayValue)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0]["hostname"], "a")
        XCTAssertEqual(records[0]["created_at"], .null)
        XCTAssertEqual(records[0]["addresses"], ["100.64.0.1"])
        XCTAssertEqual(records[0]["connected_to_control"], true)
        XCTAssertEqual(records[0]["raw"]?["id"], "1")
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

    func testHintMatchesTheConnectedNodeOfThatName() throws {
        let old = try device(#"{"id":"1","hostname":"sap-pc","connectedToControl":false,"created":"2024-01-01T00:00:00Z"}"#)
        let live = try device(#"{"id":"2","hostname":"SAP-PC","connectedToControl":true,"addresses":["100.64.0.2"]}"#)
        XCTAssertEqual(SyncDevicesAction.match("SAP PC", in: [old, live]), ["id": "2", "hostname": "SAP-PC", "ip": "100.64.0.2"])
        XCTAssertEqual(SyncDevicesAction.match("other", in: [old, live]), .null)
    }

    func testTheActionListIsTheContracts() {
        XCTAssertEqual(TailscaleAPIFunction.actions,
                       ["list-devices", "check-device", "generate-auth-key", "validate-enrollment", "sync-devices"])
        XCTAssertTrue(CheckDeviceAction.acceptsAnonymousKey)
        XCTAssertFalse(ListDevicesAction.acceptsAnonymousKey)
    }
}
