import JSON
import Postgres

/// Links a local device to the node that joined the tailnet for it: the device becomes
/// `active` with `trust_level high` (the node is proof it enrolled), and its Tailscale columns
/// and metadata are filled. A `revoked` or `inactive` device is never brought back this way.
public enum TailnetLink {
    // The enrollment is over once a node is linked: the token and the stored auth key are
    // cleared so that neither may be redeemed again.
    // `previous` locks the row and reads the status it had, which RETURNING (new values only)
    // cannot tell: a link that only raises the trust level or re-links the node is no status
    // change and is not announced. Under the lock, a concurrent link (two polls at once) waits,
    // then sees the committed row; the last condition of the UPDATE then makes it a no-op
    // without events or notices.
    static let sql = """
        WITH previous AS (
            SELECT id, status FROM devices WHERE id = $1::uuid FOR UPDATE
        ), linked AS (
            UPDATE devices d SET status = \(DeviceStatus.active.sql), trust_level = \(TrustLevel.high.sql), enrolled_at = coalesce(d.enrolled_at, now()),
                last_seen = now(), tailscale_device_id = $2, tailscale_hostname = $3, tailscale_ip = $4,
                tailscale_online = true, tailscale_last_seen = now(),
                enrollment_token = NULL, enrollment_token_hash = NULL, tailscale_auth_key = NULL,
                metadata = coalesce(d.metadata, '{}'::jsonb) || jsonb_build_object(
                    'tailscale_device_id', $2::text, 'tailscale_hostname', $3::text, 'tailscale_ip', $4::text,
                    'tailscale_os', $5::text, 'tailscale_tags', $6::jsonb, 'tailscale_online', true,
                    'tailscale_last_seen', now())
            FROM previous p
            WHERE d.id = p.id AND d.status NOT IN \(DeviceStatus.retiredSQL)
              AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = $2 AND o.id <> d.id)
              AND (d.status <> \(DeviceStatus.active.sql) OR d.trust_level <> \(TrustLevel.high.sql) OR d.tailscale_device_id IS DISTINCT FROM $2
                   OR d.enrollment_token IS NOT NULL OR d.enrollment_token_hash IS NOT NULL OR d.tailscale_auth_key IS NOT NULL)
            RETURNING d.id, d.organization_id, d.status, p.status AS old_status
        ), activated AS (
            SELECT * FROM linked WHERE status IS DISTINCT FROM old_status
        )
        SELECT (SELECT count(*) FROM linked) AS linked, \(DeviceStatusNotice.announcing("activated")) AS activated
        """

    /// Returns true when the device changed; the caller then writes its events on the same
    /// connection, inside the same transaction. When the device turned `active` (from
    /// `pending` or `offline`) the change is announced with a `DeviceStatusNotice`, which the
    /// caller's transaction delivers on commit.
    /// False too when another device holds the node already: a node is never linked to two
    /// devices (a link racing another to the same node meets the unique index instead).
    public static func apply(deviceID: String, node: InventoryNode, on connection: PostgresConnection) throws -> Bool {
        let device = node.device
        let tags = JSONValue.array(device.tags.map(JSONValue.string)).serialized()
        let row = try connection.query(sql, [deviceID, device.id, device.hostname, device.addresses.first, device.os, tags]).first
        return try row?.requiredInt("linked") == 1
    }
}
