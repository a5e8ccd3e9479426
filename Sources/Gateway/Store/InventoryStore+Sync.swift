import Postgres
import Tailscale

/// What one sync changed.
public struct SyncOutcome: Sendable, Equatable {
    /// Local devices linked to a node of the tailnet (in the sync's scope).
    public let linkedDevices: Int
    /// Nodes in the tailnet.
    public let nodes: Int
    /// Devices that went `active` -> `offline` or back.
    public let statusChanges: Int
}

/// The statements that keep `tailscale_nodes` and the linked `devices` in step with the
/// tailnet. Each is set-based: a sync costs the same handful of statements for 5 or 5 000
/// nodes.
extension InventoryStore {
    /// The database's clock, read before a device list is requested: what `sync` compares with
    /// the stored list's, so that the one clock of every host orders the lists.
    static func listRequestTime(in database: Database) throws -> String {
        try StoreError.onlyRow(of: database.query(clockSQL)).required("now")
    }

    /// `clock_timestamp()`, not `now()`: the time of this statement, outside any transaction's
    /// start. As text, which `$1::timestamptz` reads back exactly.
    static let clockSQL = "SELECT clock_timestamp()::text AS now"

    /// Writes a fetched device list into the inventory and the linked devices, in one
    /// transaction. A list requested before the stored one (its sync fetched first and committed
    /// last) leaves the nodes as they are; the linked devices are still brought up to date with
    /// the newer inventory, so the caller's sync still does its work.
    /// - Parameters:
    ///   - deviceList: the API's answer, which `storeNodesSQL` reads, and its request time.
    ///   - organizationID: only devices of this organization are updated; nil for all. The node
    ///     inventory is the whole tailnet either way.
    ///   - offlineAfterSeconds: how long an `active` device may go unseen before it is `offline`.
    ///   - clientAddress: `ip_address` of the status-change events.
    ///   - source: who ran the sync, recorded in the events.
    static func sync(deviceList: FetchedDeviceList, organizationID: String?, offlineAfterSeconds: Int,
                     clientAddress: String, source: String, in database: Database) throws -> SyncOutcome {
        // Closed afterwards: it sent the whole tailnet (about 1 MB per thousand nodes), and
        // libpq would keep buffers of that size for the connection's life (once per sync
        // interval, a new connection costs less than that memory in every worker).
        try database.withConnection(closingAfterwards: true) { connection in
            try connection.transaction { connection in
                try connection.query(lockSyncSQL)
                let stored = try StoreError.onlyRow(of: connection.query(storedListSQL, [deviceList.requestedAt]))
                let nodes: Int
                if try stored.requiredBool("newer") {
                    nodes = try stored.requiredInt("node_count")
                } else {
                    nodes = try StoreError.onlyRow(of: connection.query(storeNodesSQL, [deviceList.document.json])).requiredInt("nodes")
                    try connection.query(markSyncedSQL, [nodes, deviceList.requestedAt])
                }
                let row = try StoreError.onlyRow(of: connection.query(updateLinkedDevicesSQL, [
                    organizationID,       // $1
                    offlineAfterSeconds,  // $2
                    clientAddress,        // $3
                    source,               // $4
                ]))
                return SyncOutcome(linkedDevices: try row.requiredInt("synced"), nodes: nodes,
                                   statusChanges: try row.requiredInt("status_changes"))
            }
        }
    }

    /// Serializes syncs (monitor, sync-devices, a polling refresh) so that one's DELETE of
    /// vanished nodes never races another's upsert. Released at COMMIT.
    static let lockSyncSQL = "SELECT pg_advisory_xact_lock(\(AdvisoryLockKey.inventorySync))"

    /// Brings `tailscale_nodes` to the tailnet in one statement: new nodes inserted, changed ones
    /// updated, vanished ones deleted; returns `nodes`, the tailnet's size. $1: the device list
    /// as the API sent it (`TailscaleDeviceListDocument`), whose shape the client has checked.
    ///
    /// PostgreSQL reads the columns out of each node's object, as `TailscaleDevice` reads its
    /// fields: a member of another type than documented is absent, an empty string is null (the
    /// API sends `created: ""` for some nodes, which no timestamp column accepts). A repeated
    /// node id keeps its first object (the API never repeats one, but the upsert may not touch a
    /// row twice). The worker builds no records of its own: it sends the list as it came.
    ///
    /// A node whose API object (`raw`, which every column is read from) did not change is not
    /// written at all, so its `synced_at` is when it last changed. Rewriting every row on
    /// every sync cost about 2 KB of WAL and an update of each of the table's indexes per node
    /// (20 MB per sync of 10,000 nodes, most of the sync's PostgreSQL time). Both data-modifying
    /// parts see the same snapshot and touch disjoint rows (listed / not listed). Timestamps that
    /// do not look like RFC 3339 are dropped rather than failing the whole sync on one odd node.
    static let storeNodesSQL = """
        WITH r AS MATERIALIZED (
            SELECT DISTINCT ON (node.object ->> 'id')
                   node.object ->> 'id' AS node_id, \(text("nodeId")) AS stable_node_id,
                   node.object ->> 'hostname' AS hostname, \(text("name")) AS dns_name, \(strings("addresses")) AS addresses,
                   \(text("os")) AS os, \(strings("tags")) AS tags, \(boolean("authorized")) AS authorized,
                   \(boolean("connectedToControl")) AS connected_to_control, \(text("lastSeen")) AS last_seen,
                   \(text("created")) AS created_at, node.object AS raw
            FROM jsonb_array_elements($1::jsonb -> 'devices') WITH ORDINALITY AS node(object, position)
            ORDER BY node.object ->> 'id', node.position
        ),
        stored AS (
            INSERT INTO tailscale_nodes AS t (node_id, stable_node_id, hostname, dns_name, addresses, os, tags,
                                              authorized, connected_to_control, last_seen, created_at, raw, synced_at)
            SELECT r.node_id, r.stable_node_id, r.hostname, r.dns_name, r.addresses, r.os, r.tags, r.authorized,
                   r.connected_to_control,
                   \(timestamp("r.last_seen")), \(timestamp("r.created_at")), r.raw, now()
            FROM r
            ON CONFLICT (node_id) DO UPDATE SET
                stable_node_id = EXCLUDED.stable_node_id, hostname = EXCLUDED.hostname, dns_name = EXCLUDED.dns_name,
                addresses = EXCLUDED.addresses, os = EXCLUDED.os, tags = EXCLUDED.tags, authorized = EXCLUDED.authorized,
                connected_to_control = EXCLUDED.connected_to_control,
                -- The API drops lastSeen while a node is connected; keep the last one it sent.
                last_seen = coalesce(EXCLUDED.last_seen, t.last_seen),
                created_at = EXCLUDED.created_at, raw = EXCLUDED.raw, synced_at = EXCLUDED.synced_at
            WHERE t.raw IS DISTINCT FROM EXCLUDED.raw
        ),
        vanished AS (
            DELETE FROM tailscale_nodes n WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.node_id = n.node_id)
        )
        SELECT count(*) AS nodes FROM r
        """

    /// Read after `lockSyncSQL`, so that it sees every sync committed before this one. $1 this
    /// list's request time.
    static let storedListSQL = """
        SELECT coalesce(list_requested_at > $1::timestamptz, false) AS newer, node_count
        FROM tailscale_sync_state WHERE id = 1
        """

    /// $1 the tailnet's size, $2 the list's request time.
    static let markSyncedSQL = """
        UPDATE tailscale_sync_state SET synced_at = now(), node_count = $1, list_requested_at = $2::timestamptz,
                                        refresh_claimed_at = NULL
        WHERE id = 1
        """

    /// A string member of a node's object; null when absent, empty or not a string.
    private static func text(_ member: String) -> String {
        "nullif(CASE WHEN jsonb_typeof(node.object -> '\(member)') = 'string' THEN node.object ->> '\(member)' END, '')"
    }

    /// A boolean member; null when absent or not a boolean.
    private static func boolean(_ member: String) -> String {
        "CASE WHEN jsonb_typeof(node.object -> '\(member)') = 'boolean' THEN (node.object -> '\(member)')::boolean END"
    }

    /// A list of strings in the API's order; empty when absent or null.
    private static func strings(_ member: String) -> String {
        "CASE WHEN jsonb_typeof(node.object -> '\(member)') = 'array' THEN ARRAY(SELECT element FROM "
            + "jsonb_array_elements_text(node.object -> '\(member)') WITH ORDINALITY AS e(element, position) ORDER BY e.position) "
            + "ELSE '{}' END"
    }

    private static func timestamp(_ column: String) -> String {
        "CASE WHEN \(column) ~ '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$' "
            + "THEN \(column)::timestamptz END"
    }

    /// One statement that brings every local device linked to a node up to date with the
    /// inventory: the Tailscale columns, `active` <-> `offline`, a `device_events` row and a
    /// `DeviceStatusNotice` per status change. Its cost does not grow with one statement per
    /// device.
    ///
    /// $1 organization id or NULL for all, $2 seconds unseen before `active` turns `offline`,
    /// $3 the events' `ip_address`, $4 what ran the sync (`monitor`, `sync-devices`, ...).
    static let updateLinkedDevicesSQL = """
        WITH candidates AS (
            SELECT d.id AS device_id, n.node_id, n.addresses[1] AS ip, \(nodeIsOnline) AS online, n.last_seen
            FROM devices d JOIN tailscale_nodes n ON n.node_id = d.tailscale_device_id
            WHERE \(inSyncScope)
            UNION ALL
            (SELECT DISTINCT ON (d.id) d.id, n.node_id, n.addresses[1], \(nodeIsOnline) AS online, n.last_seen
             FROM devices d JOIN tailscale_nodes n ON lower(n.hostname) = lower(d.tailscale_hostname)
             WHERE d.tailscale_device_id IS NULL AND \(inSyncScope)
               -- The linking rules' "never": a node linked to a device, or without the organization's tags.
               AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = n.node_id)
               AND n.tags && \(OrganizationStore.tagsSQL(organizationColumn: "d.organization_id"))
             ORDER BY d.id, online DESC, n.last_seen DESC NULLS LAST)
            UNION ALL
            -- Linked to a node the tailnet no longer has: unseen from now on.
            SELECT d.id, NULL, NULL, false, NULL
            FROM devices d
            WHERE d.tailscale_device_id IS NOT NULL AND d.status = \(DeviceStatus.active.sql) AND \(inSyncScope)
              AND NOT EXISTS (SELECT 1 FROM tailscale_nodes n WHERE n.node_id = d.tailscale_device_id)
        ),
        changes AS (
            SELECT c.*, d.status AS old_status,
                   CASE WHEN d.status = \(DeviceStatus.active.sql) AND NOT c.online
                             AND coalesce(c.last_seen, d.last_seen) < now() - make_interval(secs => $2) THEN \(DeviceStatus.offline.sql)
                        WHEN d.status = \(DeviceStatus.offline.sql) AND c.online THEN \(DeviceStatus.active.sql)
                        ELSE d.status END AS new_status,
                   CASE WHEN c.online THEN now() ELSE coalesce(c.last_seen, d.tailscale_last_seen) END AS seen_at
            FROM candidates c JOIN devices d ON d.id = c.device_id
        ),
        updated AS (
            UPDATE devices d SET
                status = c.new_status,
                tailscale_online = c.online,
                tailscale_last_seen = c.seen_at,
                tailscale_ip = coalesce(c.ip, d.tailscale_ip),
                last_seen = CASE WHEN c.online THEN now() ELSE d.last_seen END,
                metadata = coalesce(d.metadata, '{}'::jsonb) || jsonb_build_object(
                    'tailscale_online', c.online, 'tailscale_last_seen', c.seen_at,
                    'tailscale_ip', coalesce(c.ip, d.tailscale_ip))
            FROM changes c
            WHERE d.id = c.device_id
              -- Rows that did not change stay untouched: the portal subscribes to this table,
              -- and a sync every 30 s must not look like 5 000 edits. An online device's
              -- last_seen is refreshed at most every half offline period.
              AND (d.status IS DISTINCT FROM c.new_status OR d.tailscale_online IS DISTINCT FROM c.online
                   OR d.tailscale_ip IS DISTINCT FROM coalesce(c.ip, d.tailscale_ip)
                   OR (c.online AND (d.last_seen IS NULL OR d.last_seen < now() - make_interval(secs => least(60, $2 / 2.0)))))
            RETURNING d.id, d.organization_id, d.status, c.old_status, c.node_id
        ),
        flipped AS (
            SELECT * FROM updated WHERE status IS DISTINCT FROM old_status
        ),
        events AS (
            INSERT INTO device_events (device_id, event_type, details, ip_address)
            SELECT id, CASE status WHEN \(DeviceStatus.offline.sql) THEN 'device_offline' ELSE 'device_online' END,
                   jsonb_build_object('tailscale_device_id', node_id, 'source', $4::text), $3
            FROM flipped
        )
        SELECT (SELECT count(*) FROM changes WHERE node_id IS NOT NULL) AS synced,
               \(DeviceStatusNotice.announcing("flipped")) AS status_changes
        """

    private static let inSyncScope = "($1::uuid IS NULL OR d.organization_id = $1::uuid)"
}
