import Crypto
import Postgres

/// A device that is joining the tailnet, with the node it is linked to (if any), read in one
/// indexed query together with the inventory's freshness: the portal polls this every 5 s per
/// joining device.
public struct JoiningDevice: Sendable {
    public let id: String
    public let userID: String
    public let organizationID: String?
    public let status: DeviceStatus
    /// The linked node (rule 1 of the linking rules); an unlinked device's node is found by
    /// `NodeLinking`.
    public let node: InventoryNode?
}

public struct JoiningDeviceLookup {
    /// $1 device id, $2 inventory maximum age.
    static let select = """
        SELECT d.id::text AS id, d.user_id::text AS user_id, d.organization_id::text AS organization_id, d.status,
               coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh, found.*
        FROM devices d
        JOIN tailscale_sync_state s ON s.id = 1
        LEFT JOIN LATERAL (
            SELECT \(InventoryNode.columns) FROM tailscale_nodes n WHERE n.node_id = d.tailscale_device_id
        ) found ON true
        WHERE d.id = $1::uuid
        """

    let database: Database
    let maxAgeSeconds: Int

    public init(database: Database, maxAgeSeconds: Int) {
        self.database = database
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// nil when no device has this id.
    public func device(id: String) throws -> (JoiningDevice, fresh: Bool)? {
        guard UUIDText.isValid(id) else { return nil }
        let row = try database.withConnection { connection in
            try connection.query(Self.select, [id, maxAgeSeconds]).first
        }
        guard let row else { return nil }
        let device = JoiningDevice(id: try row.required("id"), userID: try row.required("user_id"),
                                   organizationID: try row.value("organization_id"), status: try DeviceStatus.parse(row.value("status")),
                                   node: try InventoryNode(row: row))
        return (device, try row.requiredBool("inventory_fresh"))
    }
}
