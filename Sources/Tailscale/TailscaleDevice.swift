import JSON
import OperatingSystem

/// One node of the tailnet, as the API describes it.
public struct TailscaleDevice: Sendable {
    /// Legacy numeric id; `nodeId` is the newer stable id. Both work in API paths.
    public let id: String
    public let nodeId: String?
    /// The MagicDNS name, e.g. "pangolin.tailfe8c.ts.net".
    public let name: String?
    public let hostname: String
    public let addresses: [String]
    public let os: String?
    public let tags: [String]
    public let authorized: Bool?
    public let connectedToControl: Bool?
    /// RFC 3339 as received; the API omits it while the node is connected.
    public let lastSeen: String?
    public let created: String?
    /// The whole object as the API sent it, for answers that pass it through.
    public let raw: JSONObject

    /// Reads a device object; `id` and `hostname` are required, the rest is optional.
    public init(json: JSONObject) throws(TailscaleError) {
        guard let id = json["id"]?.stringValue, !id.isEmpty,
              let hostname = json["hostname"]?.stringValue
        else { throw .malformedResponse }
        self.id = id
        self.hostname = hostname
        nodeId = json["nodeId"]?.stringValue
        name = json["name"]?.stringValue
        addresses = try Self.strings(json["addresses"])
        os = json["os"]?.stringValue
        tags = try Self.strings(json["tags"])
        authorized = json["authorized"]?.boolValue
        connectedToControl = json["connectedToControl"]?.boolValue
        lastSeen = json["lastSeen"]?.stringValue
        created = json["created"]?.stringValue
        raw = json
    }

    /// The `devices` of a device-list answer; malformed when any of them is not a device.
    static func list(from answer: JSONValue) throws(TailscaleError) -> [TailscaleDevice] {
        guard let devices = answer["devices"]?.arrayValue else { throw .malformedResponse }
        var result: [TailscaleDevice] = []
        result.reserveCapacity(devices.count)
        for device in devices {
            guard let object = device.objectValue else { throw .malformedResponse }
            result.append(try TailscaleDevice(json: object))
        }
        return result
    }

    /// Whether `body` is a device-list answer that `list(from:)` would accept, read one device
    /// at a time: the whole list's tree is never built (about 2 MB per thousand nodes).
    static func isDeviceList(_ body: [UInt8]) throws(JSONParseError) -> Bool {
        try JSONParser.everyElement(ofMember: "devices", in: body) { element in
            guard let object = element.objectValue else { return false }
            return (try? TailscaleDevice(json: object)) != nil
        }
    }

    /// How long after `lastSeen` a node still counts as online when the API does not say.
    /// How recent a `lastSeen` counts as online. The inventory's SQL uses the same number
    /// (`InventoryStore.nodeIsOnline`): one rule for answers from the API and from the inventory.
    public static let lastSeenGraceSeconds: Int64 = 120

    /// `connectedToControl` when the API sends it; otherwise (older servers) `lastSeen` at most
    /// two minutes before `now` (unix seconds). A `lastSeen` ahead of our clock (the control
    /// plane's clock runs ahead) is recent, not stale.
    public func isOnline(now: Int64) -> Bool {
        if let connectedToControl { return connectedToControl }
        guard let lastSeen, let seen = Timestamp.unixSeconds(rfc3339: lastSeen) else { return false }
        return now - seen <= Self.lastSeenGraceSeconds
    }

    /// An absent list is empty (untagged nodes have no `tags`); anything but strings is malformed.
    private static func strings(_ value: JSONValue?) throws(TailscaleError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else { throw .malformedResponse }
        var result: [String] = []
        for element in elements {
            guard let string = element.stringValue else { throw .malformedResponse }
            result.append(string)
        }
        return result
    }
}
