import Crypto
import Postgres

/// A device that is joining the tailnet, with the node that joined for it (if any), read in one
/// indexed query together with the inventory's freshness: the portal polls this every 5 s per
/// joining device.
public struct JoiningDevice: Sendable {
    public let id: String
    public let userID: String
    public let organizationID: String?
    public let status: String
    public let node: InventoryNode?
}

public struct JoiningDeviceLookup {
    /// The node is the one already linked by id; else one whose hostname is the device name
    /// (lower case, spaces as hyphens) and that was created after the enrollment token was
    /// issued, so that an older machine with the same name is never taken for this one (to the
    /// second: the API's times have no fraction).
    /// $1 device id, $2 inventory maximum age, $3 enrollment token lifetime (seconds).
    static let select = """
        SELECT d.id::text AS id, d.user_id::text AS user_id, d.organization_id::text AS organization_id, d.status,
               coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh, found.*
        FROM devices d
        JOIN tailscale_sync_state s ON s.id = 1
        LEFT JOIN LATERAL (
            SELECT \(InventoryNode.columns) FROM tailscale_nodes n
            WHERE (d.tailscale_device_id IS NOT NULL AND n.node_id = d.tailscale_device_id)
               OR (d.tailscale_device_id IS NULL AND lower(n.hostname) = lower(replace(d.name, ' ', '-'))
                   AND n.created_at >= date_trunc('second', coalesce(d.enrollment_expires_at - make_interval(secs => $3),
                                                                      d.created_at)))
            ORDER BY node_online DESC, n.created_at DESC NULLS LAST
            LIMIT 1
        ) found ON true
        WHERE d.id = $1::uuid
        """

    let database: Database
    let maxAgeSeconds: Int
    let tokenLifetimeSeconds: Int

    public init(database: Database, maxAgeSeconds: Int, tokenLifetimeSeconds: Int) {
        self.database = database
        self.maxAgeSeconds = maxAgeSeconds
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
    }

    /// nil when no device has this id.
    public func device(id: String) throws -> (JoiningDevice, fresh: Bool)? {
        guard UUIDText.isValid(id) else { return nil }
        let row = try database.withConnection { connection in
            try connection.query(Self.select, [id, maxAgeSeconds, tokenLifetimeSeconds]).first
        }
        guard let row, let id = row["id"], let userID = row["user_id"], let status = row["status"] else { return nil }
        let device = JoiningDevice(id: id, userID: userID, organizationID: row["organization_id"], status: status,
                                   node: InventoryNode(row: row))
        return (device, row.bool("inventory_fresh") ?? false)
    }
}
