import Postgres

/// Finds nodes in the synced inventory with one indexed query that also tells whether the
/// inventory is fresh enough to answer from.
public struct NodeLookup {
    /// check-device: a hostname, a MagicDNS name or its first label, or an address, in that order
    /// of preference, case-insensitively. $1 the identifier (lower case), $2 the maximum age.
    static let byIdentifier = withFreshness(nodeQuery: """
        SELECT \(InventoryNode.columns) FROM tailscale_nodes n
        WHERE lower(n.hostname) = $1 OR lower(n.dns_name) = $1
           OR split_part(lower(n.dns_name), '.', 1) = $1 OR n.addresses @> ARRAY[$1]
        ORDER BY CASE WHEN lower(n.hostname) = $1 THEN 0 WHEN lower(n.dns_name) = $1 THEN 1
                      WHEN split_part(lower(n.dns_name), '.', 1) = $1 THEN 2 ELSE 3 END,
                 node_online DESC
        LIMIT 1
        """)

    /// validate-enrollment: a node with this hostname, connected ones and newer ones first.
    static let byHostname = withFreshness(nodeQuery: """
        SELECT \(InventoryNode.columns) FROM tailscale_nodes n
        WHERE lower(n.hostname) = $1
        ORDER BY node_online DESC, n.created_at DESC NULLS LAST
        LIMIT 1
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

    public func node(hostname: String) throws -> (InventoryNode?, fresh: Bool) {
        try run(Self.byHostname, hostname.lowercased())
    }

    private func run(_ sql: String, _ key: String) throws -> (InventoryNode?, fresh: Bool) {
        let row = try database.withConnection { connection in try connection.query(sql, [key, maxAgeSeconds]).first }
        guard let row else { return (nil, false) }
        return (InventoryNode(row: row), row.bool("inventory_fresh") ?? false)
    }

    /// Lower case, without the root dot a fully qualified MagicDNS name may carry.
    static func normalizedIdentifier(_ identifier: String) -> String {
        var text = identifier.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
