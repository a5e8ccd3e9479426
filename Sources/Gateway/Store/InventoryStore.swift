import JSON
import OperatingSystem
import Postgres
import Tailscale

/// The SQL of the synced inventory: `tailscale_nodes` and `tailscale_sync_state` (one row,
/// `id = 1`). Lookups answer together with whether the inventory is fresh enough to answer
/// from, in the same round trip.
enum InventoryStore {
    /// "Online" as the contract defines it, for a row of `tailscale_nodes n`: the API's
    /// `connectedToControl`, or for servers that omit it, seen within the last two minutes; the
    /// same rule as `TailscaleDevice.isOnline`.
    static let nodeIsOnline = """
        coalesce(n.connected_to_control, n.last_seen >= now() - make_interval(secs => \(TailscaleDevice.lastSeenGraceSeconds)), false)
        """

    /// What a lookup selects for `node(in:)`; `tailscale_nodes` must be aliased `n`.
    static let nodeColumns = "n.raw::text AS node_raw, \(nodeIsOnline) AS node_online"

    /// The node of a row that selected `nodeColumns`; nil when the row has none (a LEFT JOIN
    /// that found none) or the stored object no longer reads as a device.
    static func node(in row: ResultRow) throws -> InventoryNode? {
        guard let raw = try row.value("node_raw"), let object = (try? JSONParser.parse(raw))?.objectValue,
              let device = try? TailscaleDevice(json: object)
        else { return nil }
        return InventoryNode(device: device, online: try row.requiredBool("node_online"))
    }

    // MARK: - Lookups

    /// check-device: a hostname, a MagicDNS name or its first label, an address, or a node id
    /// (`id` or `nodeId`: the portal sends `metadata.tailscale_device_id` when it has no
    /// hostname), in that order of preference, case-insensitively.
    static let byIdentifierSQL = withFreshness(nodeQuery: identifierMatchesSQL + "\nLIMIT 1")

    /// Every node `$1` names, best first; check-device answers with the first.
    private static let identifierMatchesSQL = """
        SELECT \(nodeColumns) FROM tailscale_nodes n
        WHERE lower(n.hostname) = $1 OR lower(n.dns_name) = $1
           OR split_part(lower(n.dns_name), '.', 1) = $1 OR n.addresses @> ARRAY[$1]
           OR n.node_id = $1 OR lower(n.stable_node_id) = $1
        ORDER BY CASE WHEN lower(n.hostname) = $1 THEN 0 WHEN lower(n.dns_name) = $1 THEN 1
                      WHEN split_part(lower(n.dns_name), '.', 1) = $1 THEN 2 WHEN n.addresses @> ARRAY[$1] THEN 3 ELSE 4 END,
                 node_online DESC
        """

    /// - Parameter identifier: lower case, without a root dot.
    static func node(identifier: String, maxAgeSeconds: Int, in database: Database) throws -> (InventoryNode?, fresh: Bool) {
        let sizeClass = InventorySizeClass.of(nodeCount: lastNodeCount.withLock { $0 })
        return try freshNode(byIdentifierSQLs[sizeClass], key: identifier, maxAgeSeconds: maxAgeSeconds, in: database)
    }

    /// A prepared statement keeps the plan PostgreSQL settled on in its first few runs, until
    /// the table is next analyzed (which the runtime role may not do; autovacuum does within a
    /// minute or so). The lookup above, prepared while the inventory was empty, settled on a
    /// sequential scan and kept it with 1,000 nodes in: 2-3 ms of PostgreSQL a call under load
    /// instead of the indexed 0.2 ms (measured with auto_explain). So the statement exists once
    /// per size class of the inventory, told apart by a comment, and a lookup runs the copy for
    /// the size the previous lookup saw: once the inventory has grown or shrunk fourfold, every
    /// connection plans it anew, for the table as it is.
    static let byIdentifierSQLs: [String] = (0...InventorySizeClass.largest).map {
        "/* inventory size class \($0) */\n" + byIdentifierSQL
    }

    /// The inventory's node count as the last lookup of this process read it.
    private static let lastNodeCount = Locked(0)

    /// The nodes an identifier names, best first, for a caller who may see only some of them
    /// (`sync-devices`' hint: the best match may be another organization's machine, and the one
    /// the caller may see comes after it). Run right after a sync, so freshness is not asked;
    /// rare enough that one plan for every inventory size will do.
    static func nodes(identifier: String, in database: Database) throws -> [InventoryNode] {
        try database.query(identifierMatchesSQL + "\nLIMIT \(maximumMatches)", [identifier]).rows.compactMap(node(in:))
    }

    /// Nodes sharing one hostname or address are a handful; this only bounds a degenerate tailnet.
    static let maximumMatches = 50

    /// validate-enrollment: the node a device is linked to.
    static let linkedToDeviceSQL = withFreshness(nodeQuery: """
        SELECT \(nodeColumns) FROM devices d JOIN tailscale_nodes n ON n.node_id = d.tailscale_device_id
        WHERE d.id = $1::uuid
        """)

    static func node(linkedTo deviceID: String, maxAgeSeconds: Int, in database: Database) throws -> (InventoryNode?, fresh: Bool) {
        try freshNode(linkedToDeviceSQL, key: deviceID, maxAgeSeconds: maxAgeSeconds, in: database)
    }

    /// Wraps a node query of `$1` so that the one round trip also answers freshness (`$2`, the
    /// inventory's maximum age in seconds).
    private static func withFreshness(nodeQuery: String) -> String {
        """
        SELECT coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh,
               s.node_count AS inventory_nodes, found.*
        FROM tailscale_sync_state s
        LEFT JOIN LATERAL (\(nodeQuery)) found ON true
        WHERE s.id = 1
        """
    }

    private static func freshNode(_ sql: String, key: String, maxAgeSeconds: Int, in database: Database) throws -> (InventoryNode?, fresh: Bool) {
        let row = try database.query(sql, [key, maxAgeSeconds]).first
        guard let row else { return (nil, false) }
        let nodeCount = try row.requiredInt("inventory_nodes")
        lastNodeCount.withLock { $0 = nodeCount }
        return (try node(in: row), try row.requiredBool("inventory_fresh"))
    }

    // MARK: - Linking candidates

    /// `$1` device id, `$2` enrollment token lifetime (seconds), `$3` the caller's hostname
    /// (lower case) or NULL, `$4` whether an admin named the node by `$3`.
    /// The token's issue time is derived from its expiry; a device that never had a token (silent
    /// enrollment) links only through its own key or an admin. Times compare to the second: the
    /// API's have no fraction.
    ///
    /// The nodes come from one of three branches, of which the device's row switches on exactly
    /// one (a one-time filter: the others scan nothing): a hostname an admin named, the device's
    /// own key's lifetime, or the device's name. Each reaches its nodes through an index
    /// (`lower(hostname)`, `created_at`). Written as one join with the rule in a CASE, the same
    /// query read every node that joined since the token and tested each: with 1,000 nodes
    /// younger than the polled tokens, 208 µs of PostgreSQL per poll instead of 10 µs
    /// (pg_stat_statements, `make bench`'s data), and it grows with every node that joins.
    ///
    /// `d` is MATERIALIZED and carries `$3` and `$4`, so that the branches are switched from its
    /// row when the statement runs, never folded away when it is planned: a plan for the values
    /// looked cheaper than the generic plan, and PostgreSQL then planned the statement anew on
    /// every call (0.5-1.3 ms of planning each, pg_stat_statements with track_planning).
    static let linkCandidatesSQL = """
        WITH d AS MATERIALIZED (
            SELECT dv.id, dv.organization_id, lower(replace(dv.name, ' ', '-')) AS expected_hostname,
                   $3::text AS named_hostname, $4::boolean AS named_by_admin,
                   dv.tailscale_key_id IS NOT NULL AS own_key, dv.tailscale_key_used_at IS NOT NULL AS key_used,
                   date_trunc('second', dv.tailscale_key_created_at) AS key_created_at,
                   coalesce(dv.tailscale_key_expires_at, 'infinity') AS key_expires_at, dv.tailscale_key_tags AS key_tags,
                   date_trunc('second', dv.enrollment_expires_at - make_interval(secs => $2)) AS token_issued_at,
                   date_trunc('second', dv.created_at) AS device_created_at,
                   \(OrganizationStore.tagsSQL(organizationColumn: "dv.organization_id")) AS organization_tags
            FROM devices dv WHERE dv.id = $1::uuid
        )
        SELECT \(nodeColumns),
               coalesce(lower(n.hostname) = d.expected_hostname OR lower(n.hostname) = d.named_hostname, false) AS matches_name,
               EXISTS (SELECT 1 FROM devices o
                       WHERE o.id <> d.id AND o.status = \(DeviceStatus.pending.sql) AND o.tailscale_device_id IS NULL
                         AND o.tailscale_key_used_at IS NOT NULL AND o.organization_id IS NOT DISTINCT FROM d.organization_id
                         AND lower(replace(o.name, ' ', '-')) = lower(n.hostname)) AS named_for_another
        FROM d CROSS JOIN LATERAL (
            SELECT * FROM tailscale_nodes n
            WHERE d.named_by_admin AND lower(n.hostname) = d.named_hostname
            UNION ALL
            SELECT * FROM tailscale_nodes n
            WHERE NOT d.named_by_admin AND d.own_key AND d.key_used
              AND n.created_at BETWEEN d.key_created_at AND d.key_expires_at AND n.tags @> d.key_tags
            UNION ALL
            SELECT * FROM tailscale_nodes n
            WHERE NOT d.named_by_admin AND NOT d.own_key AND d.token_issued_at IS NOT NULL
              AND lower(n.hostname) = d.expected_hostname
        ) n
        WHERE n.tags && d.organization_tags
          AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = n.node_id AND o.id <> d.id)
          AND n.created_at >= coalesce(d.token_issued_at, d.device_created_at)
        ORDER BY n.created_at DESC
        LIMIT 20
        """

    /// The nodes the linking rules allow for an unlinked device (`NodeLinking` chooses).
    static func linkCandidates(forDevice deviceID: String, tokenLifetimeSeconds: Int, hostname: String?, namedByAdmin: Bool,
                               in database: Database) throws -> [NodeLinking.Candidate] {
        let rows = try database.query(linkCandidatesSQL, [
            deviceID,              // $1
            tokenLifetimeSeconds,  // $2
            hostname,              // $3
            namedByAdmin,          // $4
        ]).rows
        return try rows.compactMap { row in
            guard let node = try node(in: row) else { return nil }
            return NodeLinking.Candidate(node: node, matchesName: try row.requiredBool("matches_name"),
                                         namedForAnother: try row.requiredBool("named_for_another"))
        }
    }

    // MARK: - The refresh lease

    /// `$1` inventory maximum age, `$2` lease length (seconds).
    static let leaseIsFreeSQL = """
        SELECT (synced_at IS NULL OR synced_at < now() - make_interval(secs => $1))
               AND (refresh_claimed_at IS NULL OR refresh_claimed_at < now() - make_interval(secs => $2)) AS free
        FROM tailscale_sync_state WHERE id = 1
        """

    /// The same parameters as `leaseIsFreeSQL`.
    static let claimLeaseSQL = """
        UPDATE tailscale_sync_state SET refresh_claimed_at = now()
        WHERE id = 1
          AND (synced_at IS NULL OR synced_at < now() - make_interval(secs => $1))
          AND (refresh_claimed_at IS NULL OR refresh_claimed_at < now() - make_interval(secs => $2))
        """

    /// Whether this call won the lease to refresh a stale inventory: first a read (while one
    /// worker refreshes, the others poll by reads alone), then the conditional UPDATE, which
    /// exactly one of the workers that find the lease free wins.
    static func claimRefreshLease(maxAgeSeconds: Int, leaseSeconds: Int, in database: Database) throws -> Bool {
        try database.withConnection { connection in
            guard try connection.query(leaseIsFreeSQL, [maxAgeSeconds, leaseSeconds]).first?.requiredBool("free") == true
            else { return false }
            return try connection.query(claimLeaseSQL, [maxAgeSeconds, leaseSeconds]).affectedRows == 1
        }
    }
}

/// Keys of the advisory locks the service takes, in one place so that none collide.
enum AdvisoryLockKey {
    /// Held for the life of the leading monitor's dedicated session.
    static let monitorLeader: Int64 = 0x4E56_4D4F_4E49_5452  // "NVMONITR"
    /// Held by one inventory sync transaction at a time.
    static let inventorySync: Int64 = 0x4E56_5359_4E43_494E  // "NVSYNCIN"
}

/// Node counts in powers of four, for `InventoryStore.byIdentifierSQLs`: 0 for an empty
/// inventory, 1 for 1-3 nodes, 2 for 4-15, ..., `largest` from 4^(largest-1) up.
enum InventorySizeClass {
    static let largest = 10

    static func of(nodeCount: Int) -> Int {
        var sizeClass = 0
        var bound = 1
        while nodeCount >= bound && sizeClass < largest {
            sizeClass += 1
            bound *= 4
        }
        return sizeClass
    }
}
