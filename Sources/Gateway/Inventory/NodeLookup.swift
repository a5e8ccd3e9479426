import Postgres

/// Finds nodes in the synced inventory with one indexed query that also tells whether the
/// inventory is fresh enough to answer from.
public struct NodeLookup {
    /// check-device: a hostname, a MagicDNS name or its first label, an address, or a node id
    /// (`id` or `nodeId`: the portal sends `metadata.tailscale_device_id` when it has no
    /// hostname), in that order of preference, case-insensitively. $1 the identifier (lower
    /// case), $2 the maximum age.
    static let byIdentifier = withFreshness(nodeQuery: """
        SELECT \(InventoryNode.columns) FROM tailscale_nodes n
        WHERE lower(n.hostname) = $1 OR lower(n.dns_name) = $1
           OR split_part(lower(n.dns_name), '.', 1) = $1 OR n.addresses @> ARRAY[$1]
           OR n.node_id = $1 OR lower(n.stable_node_id) = $1
        ORDER BY CASE WHEN lower(n.hostname) = $1 THEN 0 WHEN lower(n.dns_name) = $1 THEN 1
                      WHEN split_part(lower(n.dns_name), '.', 1) = $1 THEN 2 WHEN n.addresses @> ARRAY[$1] THEN 3 ELSE 4 END,
                 node_online DESC
        LIMIT 1
        """)

    /// validate-enrollment: the node a device is linked to. $1 the device id.
    static let linkedToDevice = withFreshness(nodeQuery: """
        SELECT \(InventoryNode.columns) FROM devices d JOIN tailscale_nodes n ON n.node_id = d.tailscale_device_id
        WHERE d.id = $1::uuid
        """)

    /// Wraps a node query (parameter $1) so that the one round trip also answers freshness ($2).
    static func withFreshness(nodeQuery: String) -> String {
        """
        SELECT coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh, found.*
        FROM tailscale_sync_state s
        LEFT JOIN LATERAL (\(nodeQuery)) found ON true
        WHERE s.id = 1
        """
    }

    let database: Database
    let maxAgeSeconds: Int

    public init(database: Database, maxAgeSeconds: Int) {
        self.database = database
        self.maxAgeSeconds = maxAgeSeconds
    }

    public func node(identifier: String) throws -> (InventoryNode?, fresh: Bool) {
        try run(Self.byIdentifier, Self.normalizedIdentifier(identifier))
    }

    public func node(linkedTo deviceID: String) throws -> (InventoryNode?, fresh: Bool) {
        try run(Self.linkedToDevice, deviceID)
    }

    private func run(_ sql: String, _ key: String) throws -> (InventoryNode?, fresh: Bool) {
        let row = try database.withConnection { connection in try connection.query(sql, [key, maxAgeSeconds]).first }
        guard let row else { return (nil, false) }
        return (try InventoryNode(row: row), try row.requiredBool("inventory_fresh"))
    }

    /// Lower case, without the root dot a fully qualified MagicDNS name may carry.
    static func normalizedIdentifier(_ identifier: String) -> String {
        var text = identifier.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
