import JSON
import Postgres

/// Links a local device to the node that joined the tailnet for it: the device becomes
/// `active` with `trust_level high` (the node is proof it enrolled), and its Tailscale columns
/// and metadata are filled. A `revoked` or `inactive` device is never brought back this way.
public enum TailnetLink {
    /// What else the link does to the device.
    public enum Secrets {
        /// Leave token and stored key alone (validate-enrollment).
        case keep
        /// Clear the enrollment token and the stored auth key: the enrollment is over and
        /// neither may be redeemed again (check_tailscale_status).
        case clear
    }

    static func sql(_ secrets: Secrets) -> String {
        let clearing: String
        let unfinished: String
        switch secrets {
        case .keep:
            clearing = ""
            unfinished = ""
        case .clear:
            clearing = ", enrollment_token = NULL, enrollment_token_hash = NULL, tailscale_auth_key = NULL"
            unfinished = " OR enrollment_token IS NOT NULL OR enrollment_token_hash IS NOT NULL OR tailscale_auth_key IS NOT NULL"
        }
        // The last condition makes a repeated poll (or two at once) a no-op without events.
        return """
            UPDATE devices SET status = 'active', trust_level = 'high', enrolled_at = coalesce(enrolled_at, now()),
                last_seen = now(), tailscale_device_id = $2, tailscale_hostname = $3, tailscale_ip = $4,
                tailscale_online = true, tailscale_last_seen = now()\(clearing),
                metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object(
                    'tailscale_device_id', $2::text, 'tailscale_hostname', $3::text, 'tailscale_ip', $4::text,
                    'tailscale_os', $5::text, 'tailscale_tags', $6::jsonb, 'tailscale_online', true,
                    'tailscale_last_seen', now())
            WHERE id = $1::uuid AND status NOT IN ('revoked', 'inactive')
              AND (status <> 'active' OR trust_level <> 'high' OR tailscale_device_id IS DISTINCT FROM $2\(unfinished))
            """
    }

    static let keepingSecrets = sql(.keep)
    static let clearingSecrets = sql(.clear)

    /// Returns true when the device changed; the caller then writes its events on the same
    /// connection, inside the same transaction.
    public static func apply(deviceID: String, node: InventoryNode, secrets: Secrets, on connection: PostgresConnection) throws -> Bool {
        let device = node.device
        let statement = secrets == .clear ? clearingSecrets : keepingSecrets
        let tags = JSONValue.array(device.tags.map(JSONValue.string)).serialized()
        return try connection.query(statement, [deviceID, device.id, device.hostname, device.addresses.first, device.os, tags])
            .affectedRows == 1
    }
}
