import CurlHTTP
import JSON
import Tailscale
import XCTest

final class AuthKeyTests: TailscaleTestCase {
    func testSingleUsePreauthorizedTaggedKeyIsRecordedAsAsked() throws {
        let key = try makeClient().createAuthKey(
            tags: ["tag:prod", "tag:sap"], expirySeconds: 86_400, description: "nexus user-1 org-2")

        XCTAssertTrue(key.key.hasPrefix("tskey-auth-\(key.id)-"))
        XCTAssertNotNil(key.expires)
        XCTAssertNotNil(key.created)
        let minted = try XCTUnwrap(try simulator.mintedKeys().first)
        XCTAssertEqual(minted["id"]?.stringValue, key.id)
        XCTAssertEqual(minted["reusable"], false)
        XCTAssertEqual(minted["ephemeral"], false)
        XCTAssertEqual(minted["preauthorized"], true)
        XCTAssertEqual(minted["tags"], ["tag:prod", "tag:sap"])
        XCTAssertEqual(minted["expirySeconds"], 86_400)
        XCTAssertEqual(minted["description"], "nexus user-1 org-2")
        XCTAssertEqual(minted["used"], false)
    }

    func testKeyJoinsOneNodeOnly() throws {
        let key = try makeClient().createAuthKey(tags: ["tag:sap"], expirySeconds: 3600, description: "join")
        let node = try simulator.admin("POST", "/_sim/devices", ["hostname": "joiner", "authKey": .string(key.key)])
        XCTAssertEqual(node["tags"], ["tag:sap"])
        XCTAssertEqual(node["authorized"], true)
        XCTAssertEqual(try simulator.mintedKeys().first?["used"], true)

        let reuse = try CurlClient().send(CurlRequest(
            method: "POST", url: simulator.baseURL + "/_sim/devices",
            body: (["hostname": "second", "authKey": .string(key.key)] as JSONValue).serializedBytes()))
        XCTAssertEqual(reuse.status, 400, "single-use")
    }

    func testTagsOutsideTheClientAreRejected() throws {
        assertThrows(.rejected(status: 400, message: "requested tags [tag:evil] are invalid or not permitted")) {
            () throws(TailscaleError) in
            try makeClient().createAuthKey(tags: ["tag:prod", "tag:evil"], expirySeconds: 3600, description: "x")
        }
        XCTAssertEqual(try simulator.stat("key_create"), 1, "a 400 is not retried")
    }

    func testExpiryAboveNinetyDaysIsRejected() throws {
        assertThrows(.rejected(status: 400, message: "expirySeconds must be between 0 and 7776000 (90 days)")) {
            () throws(TailscaleError) in
            try makeClient().createAuthKey(tags: ["tag:prod"], expirySeconds: 7_776_001, description: "x")
        }
    }
}
