/// One statement that brings every local device linked to a node up to date with the inventory:
/// the Tailscale columns, `active` <-> `offline`, a `device_events` row and a
/// `DeviceStatusNotice` per status change. Its cost does not grow with one
/// statement per device.
///
/// $1 organization id or NULL for all, $2 seconds unseen before `active` turns `offline`,
/// $3 the events' `ip_address`, $4 what ran the sync (`monitor`, `sync-devices`, ...).
enum LinkedDevicesSQL {
    static let update = """
        WITH candidates AS (
            SELECT d.id AS device_id, n.node_id, n.addresses[1] AS ip, \(InventorySQL.nodeIsOnline) AS online, n.last_seen
            FROM devices d JOIN tailscale_nodes n ON n.node_id = d.tailscale_device_id
            WHERE \(inScope)
            UNION ALL
            (SELECT DISTINCT ON (d.id) d.id, n.node_id, n.addresses[1], \(InventorySQL.nodeIsOnline) AS online, n.last_seen
             FROM devices d JOIN tailscale_nodes n ON lower(n.hostname) = lower(d.tailscale_hostname)
             WHERE d.tailscale_device_id IS NULL AND \(inScope)
               -- The linking rules' "never": a node linked to a device, or without the organization's tags.
               AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = n.node_id)
               AND n.tags && \(OrganizationTailscaleConfig.tagsSQL(organizationColumn: "d.organization_id"))
             ORDER BY d.id, online DESC, n.last_seen DESC NULLS LAST)
            UNION ALL
            -- Linked to a node the tailnet no longer has: unseen from now on.
            SELECT d.id, NULL, NULL, false, NULL
            FROM devices d
            WHERE d.tailscale_device_id IS NOT NULL AND d.status = \(DeviceStatus.active.sql) AND \(inScope)
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

    private static let inScope = "($1::uuid IS NULL OR d.organization_id = $1::uuid)"
}
