import JSON
import Postgres
import Tailscale

/// A node of the synced inventory: the device object as the API sent it, and whether it is
/// online now (decided in SQL, against the database's clock).
public struct InventoryNode: Sendable {
    public let device: TailscaleDevice
    public let online: Bool

    /// What a lookup selects for `init(row:)`; `tailscale_nodes` must be aliased `n`.
    static let columns = "n.raw::text AS node_raw, \(InventorySQL.nodeIsOnline) AS node_online"

    init(device: TailscaleDevice, online: Bool) {
        self.device = device
        self.online = online
    }

    /// nil when the row has no node (a LEFT JOIN that found none) or the stored object no longer
    /// reads as a device.
    init?(row: PostgresRow) throws {
        guard let raw = try row.value("node_raw"), let object = (try? JSONParser.parse(raw))?.objectValue,
              let device = try? TailscaleDevice(json: object)
        else { return nil }
        self.device = device
        self.online = try row.requiredBool("node_online")
    }
}
