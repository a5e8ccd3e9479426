import JSON
import Postgres

/// The SQL that creates pending devices.
enum PendingDeviceStore {
    // enrollment_token stays NULL: the service keeps only the token's hash.
    static let insertSQL = """
        INSERT INTO devices (id, user_id, organization_id, name, device_type, os, status, trust_level,
                             enrollment_token_hash, enrollment_expires_at, tailscale_auth_key, metadata)
        VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, 'pending', 'low', $7, $8::timestamptz, $9, $10::jsonb)
        """

    static func insert(_ device: PendingDevice, sealedAuthKey: String?, metadata: JSONObject,
                       history: ChangeRecord, into database: Database) throws {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(insertSQL, [
                    device.id, device.userID, device.organizationID, device.name, device.type.rawValue, device.os,
                    device.token.hash, device.expiresAt, sealedAuthKey, JSONValue.object(metadata).serialized(),
                ])
                try history.write(on: connection)
            }
        }
    }
}
