import JSON
import Postgres

/// The SQL that creates pending devices.
enum PendingDeviceStore {
    // enrollment_token stays NULL: the service keeps only the token's hash.
    static let insertSQL = """
        INSERT INTO devices (id, user_id, organization_id, name, device_type, os, status, trust_level,
                             enrollment_token_hash, enrollment_expires_at, tailscale_auth_key, metadata,
                             tailscale_key_id, tailscale_key_created_at, tailscale_key_expires_at, tailscale_key_tags)
        VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, \(DeviceStatus.pending.sql), \(TrustLevel.low.sql), $7, $8::timestamptz, $9, $10::jsonb,
                $11::text, coalesce(nullif($12, '')::timestamptz, CASE WHEN $11::text IS NOT NULL THEN now() END),
                nullif($13, '')::timestamptz, $14::text[])
        """

    /// - Parameter mintedKey: the single-use key minted for this device, kept (without the key)
    ///   to link the node that joins with it.
    static func insert(_ device: PendingDevice, sealedAuthKey: String?, mintedKey: MintedKey?, metadata: JSONObject,
                       history: ChangeRecord, into database: Database) throws {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(insertSQL, [
                    device.id, device.userID, device.organizationID, device.name, device.type.rawValue, device.os,
                    device.token.hash, device.expiresAt, sealedAuthKey, JSONValue.object(metadata).serialized(),
                    mintedKey?.id, mintedKey?.created, mintedKey?.expires, mintedKey?.tags,
                ])
                try history.write(on: connection)
            }
        }
    }
}
