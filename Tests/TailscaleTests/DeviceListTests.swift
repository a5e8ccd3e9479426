import JSON
@testable import Tailscale
import XCTest

final class DeviceListTests: TailscaleTestCase {
    func testListDevicesReadsTheRealShape() throws {
        try simulator.admin("POST", "/_sim/devices", ["hostname": "pangolin", "os": "linux", "tags": ["tag:prod"]])
        let offline = try simulator.admin("POST", "/_sim/devices", ["hostname": "otter", "os": "windows", "connected": false])

        let devices = try makeClient().listDevices()

        XCTAssertEqual(devices.map(\.hostname).sorted(), ["otter", "pangolin"])
        let pangolin = try XCTUnwrap(devices.first { $0.hostname == "pangolin" })
        XCTAssertEqual(pangolin.name, "pangolin.tail-sim.ts.net")
        XCTAssertEqual(pangolin.tags, ["tag:prod"])
        XCTAssertEqual(pangolin.os, "linux")
        XCTAssertEqual(pangolin.addresses.count, 2)
        XCTAssertTrue(pangolin.addresses[0].hasPrefix("100."))
        XCTAssertTrue(pangolin.addresses[1].hasPrefix("fd7a:115c:a1e0:"))
        XCTAssertEqual(pangolin.connectedToControl, true)
        XCTAssertNil(pangolin.lastSeen, "lastSeen is only sent while disconnected")
        XCTAssertTrue(pangolin.nodeId?.hasSuffix("CNTRL") ?? false)
        XCTAssertNotNil(Int(pangolin.id), "legacy ids are numeric strings")
        XCTAssertEqual(pangolin.raw["machineKey"]?.stringValue?.hasPrefix("mkey:"), true)
        XCTAssertTrue(pangolin.isOnline(now: Int64(time(nil))))

        let otter = try XCTUnwrap(devices.first { $0.hostname == "otter" })
        XCTAssertEqual(otter.id, offline["id"]?.stringValue)
        XCTAssertEqual(otter.tags, [], "untagged nodes have no tags field")
        XCTAssertNotNil(otter.lastSeen)
        XCTAssertFalse(otter.isOnline(now: Int64(time(nil))), "connectedToControl false wins over a recent lastSeen")
    }

    /// The sync's copy of the list is the API's body itself, checked as `listDevices` checks it.
    func testTheDocumentIsTheListAsSentOnceCheckedAsListDevicesChecksIt() throws {
        try simulator.admin("POST", "/_sim/devices", ["hostname": "pangolin", "os": "linux", "tags": ["tag:prod"]])
        try simulator.admin("POST", "/_sim/devices", ["hostname": "otter", "connected": false])
        let client = makeClient()
        let document = try JSONParser.parse(client.deviceListDocument().json)
        let nodes = try XCTUnwrap(document["devices"]?.arrayValue)
        XCTAssertEqual(nodes.compactMap { $0["hostname"]?.stringValue }.sorted(), ["otter", "pangolin"])
        XCTAssertEqual(nodes.map { $0.objectValue ?? JSONObject() }, try client.listDevices().map(\.raw))

        try simulator.injectFault(["mode": "garbage", "count": 1, "shape": "json"])
        assertThrows(.malformedResponse) { () throws(TailscaleError) in _ = try client.deviceListDocument() }
        try simulator.injectFault(["mode": "garbage", "count": 1])
        assertThrows(.malformedResponse) { () throws(TailscaleError) in _ = try client.deviceListDocument() }
        XCTAssertEqual(logLines.filter { $0.contains("not the documented shape") }.count, 1, "\(logLines)")
        XCTAssertEqual(logLines.filter { $0.contains("not JSON") }.count, 1, "\(logLines)")
    }

    /// The sync's check, one device at a time, accepts exactly what `list(from:)` decodes.
    func testTheOneByOneCheckAgreesWithTheDecoder() throws {
        let documents = [
            #"{"devices": []}"#, #"{"devices": [{"id": "1", "hostname": "a", "tags": ["t"], "addresses": null}]}"#,
            #"{"devices": [{"id": "1", "hostname": "a"}, {"id": "", "hostname": "b"}]}"#,
            #"{"devices": [{"id": "1", "hostname": "a", "tags": [1]}]}"#, #"{"devices": [{"id": 1, "hostname": "a"}]}"#,
            #"{"devices": [{"id": "1"}]}"#, #"{"devices": ["x"]}"#, #"{"devices": null}"#, #"{}"#, #"[]"#,
            #"{"devices": [], "devices": [{"hostname": "a"}]}"#, #"{"devices": [{"id": "1", "hostname": "a", "addresses": "x"}]}"#,
        ]
        for document in documents {
            let decoded = (try? TailscaleDevice.list(from: JSONParser.parse(document))) != nil
            XCTAssertEqual(try TailscaleDevice.isDeviceList(Array(document.utf8)), decoded, document)
        }
        XCTAssertThrowsError(try TailscaleDevice.isDeviceList(Array(#"{"devices": [}"#.utf8)))
    }

    func testDeviceByIdAndByNodeId() throws {
        let created = try simulator.admin("POST", "/_sim/devices", ["hostname": "heron"])
        let client = makeClient()
        let byId = try client.device(id: try XCTUnwrap(created["id"]?.stringValue))
        let byNodeId = try client.device(id: try XCTUnwrap(created["nodeId"]?.stringValue))
        XCTAssertEqual(byId.hostname, "heron")
        XCTAssertEqual(byNodeId.id, byId.id)
        assertThrows(.rejected(status: 404, message: "device not found")) { () throws(TailscaleError) in
            try client.device(id: "999")
        }
    }

    func testLegacyServerFallsBackToLastSeen() throws {
        let legacy = try simulator.admin("POST", "/_sim/devices", ["hostname": "old", "legacy": true])
        let id = try XCTUnwrap(legacy["id"]?.stringValue)
        let client = makeClient()
        let now = Int64(time(nil))

        let fresh = try client.device(id: id)
        XCTAssertNil(fresh.connectedToControl)
        XCTAssertTrue(fresh.isOnline(now: now))

        try simulator.admin("POST", "/_sim/devices/\(id)/disconnect", ["lastSeen": .int(Int(now) - 600)])
        XCTAssertFalse(try client.device(id: id).isOnline(now: now), "seen 10 minutes ago")
    }

    func testFiveThousandDevices() throws {
        try simulator.admin("POST", "/_sim/devices/bulk", ["count": 5000])
        let start = Date()
        let devices = try makeClient().listDevices()
        XCTAssertEqual(devices.count, 5000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(Set(devices.map(\.id)).count, 5000)
    }
}
