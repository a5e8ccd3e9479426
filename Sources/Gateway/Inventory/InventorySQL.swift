import Tailscale

/// The statements that keep `tailscale_nodes` and the linked `devices` in step with the
/// tailnet. Each is set-based: a sync costs the same handful of statements for 5 or 5 000
/// nodes.
enum InventorySQL {
    /// "Online" as the contract defines it, for a row of `tailscale_nodes n`: the API's
    /// `connectedToControl`, or for servers that omit it, seen within the last two minutes; the
    /// same rule as `TailscaleDevice.isOnline`.
    static let nodeIsOnline = """
        coalesce(n.connected_to_control, n.last_seen >= now() - make_interval(secs => \(TailscaleDevice.lastSeenGraceSeconds)), false)
        """

    /// Serializes syncs (monitor, sync-devices, a polling refresh) so that one's DELETE of
    /// vanished nodes never races another's upsert. Released at COMMIT.
    static let lockSync = "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.inventorySync))"

    /// $1: the records of `InventoryRecords`. Timestamps that do not look like RFC 3339 are
    /// dropped rather than failing the whole sync on one odd node.
    static let upsertNodes = """
        INSERT INTO tailscale_nodes AS t (node_id, stable_node_id, hostname, dns_name, addresses, os, tags,
                                          authorized, connected_to_control, last_seen, created_at, raw, synced_at)
        SELECT r.node_id, r.stable_node_id, r.hostname, r.dns_name, coalesce(r.addresses, '{}'), r.os,
               coalesce(r.tags, '{}'), r.authorized, r.connected_to_control,
               \(timestamp("r.last_seen")), \(timestamp("r.created_at")), r.raw, now()
        FROM jsonb_to_recordset($1::jsonb) AS r(node_id text, stable_node_id text, hostname text, dns_name text,
                                                 addresses text[], os text, tags text[], authorized boolean,
                                                 connected_to_control boolean, last_seen text, created_at text, raw jsonb)
        ON CONFLICT (node_id) DO UPDATE SET
            stable_node_id = EXCLUDED.stable_node_id, hostname = EXCLUDED.hostname, dns_name = EXCLUDED.dns_name,
            addresses = EXCLUDED.addresses, os = EXCLUDED.os, tags = EXCLUDED.tags, authorized = EXCLUDED.authorized,
            connected_to_control = EXCLUDED.connected_to_control,
            -- The API drops lastSeen while a node is connected; keep the last one it sent.
            last_seen = coalesce(EXCLUDED.last_seen, t.last_seen),
            created_at = EXCLUDED.created_at, raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at
        """

    /// Nodes the API no longer lists. `now()` is the transaction's start, which the upsert
    /// above stamped on every node it saw.
    static let deleteVanishedNodes = "DELETE FROM tailscale_nodes WHERE synced_at <> now()"

    static let markSynced = """
        UPDATE tailscale_sync_state SET synced_at = now(), node_count = $1, refresh_claimed_at = NULL WHERE id = 1
        """

    private static func timestamp(_ column: String) -> String {
        "CASE WHEN \(column) ~ '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$' "
            + "THEN \(column)::timestamptz END"
    }
}

/// Keys of the advisory locks the service takes, in one place so that none collide.
enum AdvisoryLockKey {
    /// Held for the life of the leading monitor's dedicated session.
    static let monitorLeader: Int64 = 0x4E56_4D4F_4E49_5452  // "NVMONITR"
    /// Held by one inventory sync transaction at a time.
    static let inventorySync: Int64 = 0x4E56_5359_4E43_494E  // "NVSYNCIN"
}
