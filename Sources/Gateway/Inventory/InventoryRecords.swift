import JSON
import Tailscale

/// The tailnet's devices as one JSON array for `jsonb_to_recordset`, so that a sync writes any
/// number of nodes with one statement.
enum InventoryRecords {
    /// One record per node id (the API never repeats one, but a repeated id would make the
    /// upsert touch a row twice, which PostgreSQL refuses). Empty strings become null: the API
    /// sends `created: ""` for some nodes, which no timestamp column accepts.
    static func json(for devices: [TailscaleDevice]) -> String {
        var seen = Set<String>()
        var records: [JSONValue] = []
        records.reserveCapacity(devices.count)
        for device in devices where seen.insert(device.id).inserted {
            records.append(.object(JSONObject([
                ("node_id", .string(device.id)),
                ("stable_node_id", nonEmpty(device.nodeId)),
                ("hostname", .string(device.hostname)),
                ("dns_name", nonEmpty(device.name)),
                ("addresses", .array(device.addresses.map(JSONValue.string))),
                ("os", nonEmpty(device.os)),
                ("tags", .array(device.tags.map(JSONValue.string))),
                ("authorized", device.authorized.map(JSONValue.bool) ?? .null),
                ("connected_to_control", device.connectedToControl.map(JSONValue.bool) ?? .null),
                ("last_seen", nonEmpty(device.lastSeen)),
                ("created_at", nonEmpty(device.created)),
                ("raw", .object(device.raw)),
            ])))
        }
        return JSONValue.array(records).serialized()
    }

    private static func nonEmpty(_ text: String?) -> JSONValue {
        guard let text, !text.isEmpty else { return .null }
        return .string(text)
    }
}
