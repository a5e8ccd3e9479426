import JSON
import Postgres

/// Creating devices: pending ones (`create_pending_device`, `generate_token`) and the ones
/// that enroll themselves silently (`enroll`).
extension DeviceStore {
    // enrollment_token stays NULL: the service keeps only the token's hash.
    static let insertPendingSQL = """
        INSERT INTO devices (id, user_id, organization_id, name, device_type, os, status, trust_level,
                             enrollment_token_hash, enrollment_expires_at, tailscale_auth_key, metadata,
                             tailscale_key_id, tailscale_key_created_at, tailscale_key_expires_at, tailscale_key_tags)
        VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, \(DeviceStatus.pending.sql), \(TrustLevel.low.sql), $7, $8::timestamptz, $9, $10::jsonb,
                $11::text, coalesce(nullif($12, '')::timestamptz, CASE WHEN $11::text IS NOT NULL THEN now() END),
                nullif($13, '')::timestamptz, $14::text[])
        """

    /// Writes a pending device and its history in one transaction.
    /// - Parameter mintedKey: the single-use key minted for this device, kept (without the key)
    ///   to link the node that joins with it.
    static func insertPending(_ device: PendingDevice, sealedAuthKey: String?, mintedKey: MintedKey?, metadata: JSONObject,
                              history: ChangeRecord, in database: Database) throws {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(insertPendingSQL, [
                    device.id,                               // $1
                    device.userID,                           // $2
                    device.organizationID,                   // $3
                    device.name,                             // $4
                    device.type.rawValue,                    // $5
                    device.os,                               // $6
                    device.token.hash,                       // $7
                    device.expiresAt,                        // $8
                    sealedAuthKey,                           // $9
                    JSONValue.object(metadata).serialized(), // $10
                    mintedKey?.id,                           // $11
                    mintedKey?.created,                      // $12
                    mintedKey?.expires,                      // $13
                    mintedKey?.tags,                         // $14
                ])
                try HistoryStore.write(history, on: connection)
            }
        }
    }

    /// A device the caller enrolled before, found by fingerprint.
    struct EnrolledDevice {
        let id: String
        let status: DeviceStatus
    }

    // One round trip: find the caller's device and refresh its last_seen, except that a revoked
    // or inactive device stays exactly as it is (silent enrollment never undoes a revocation).
    // last_seen is a heartbeat: the commit need not wait for the WAL flush (set_config with
    // is_local applies to this statement's own transaction), and a crash can lose at most the
    // last few milliseconds of heartbeats, never a device.
    static let touchEnrolledSQL = """
        WITH found AS (
            SELECT id, status FROM devices WHERE fingerprint = $1 AND user_id = $2::uuid
        ), touched AS (
            UPDATE devices SET last_seen = now()
            FROM found WHERE devices.id = found.id AND found.status NOT IN \(DeviceStatus.retiredSQL)
        ), relaxed_commit AS (
            SELECT set_config('synchronous_commit', 'off', true)
        )
        SELECT found.id::text AS id, found.status FROM found, relaxed_commit
        """

    /// The caller's device with this fingerprint, its `last_seen` refreshed unless it was
    /// revoked or deactivated; nil when the caller has none.
    static func touchEnrolled(fingerprint: String, userID: String, in database: Database) throws -> EnrolledDevice? {
        guard let row = try database.query(touchEnrolledSQL, [fingerprint, userID]).first else { return nil }
        return EnrolledDevice(id: try row.required("id"), status: try DeviceStatus.parse(row.value("status")))
    }

    // `devices.fingerprint` is unique, which is what makes 50 concurrent enrolls of one
    // fingerprint create exactly one device.
    static let insertEnrolledSQL = """
        INSERT INTO devices (id, user_id, organization_id, name, device_type, os, fingerprint,
                             status, trust_level, enrolled_at, last_seen)
        VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, \(DeviceStatus.active.sql), \(TrustLevel.medium.sql), now(), now())
        ON CONFLICT (fingerprint) DO NOTHING
        """

    /// Creates a silently enrolled device with its history; false (and nothing written) when
    /// the fingerprint is taken already.
    static func insertEnrolled(_ device: SilentlyEnrolledDevice, history: ChangeRecord, in database: Database) throws -> Bool {
        try database.withConnection { connection in
            try connection.transaction { connection in
                let inserted = try connection.query(insertEnrolledSQL, [
                    device.id,             // $1
                    device.userID,         // $2
                    device.organizationID, // $3
                    device.name,           // $4
                    device.type.rawValue,  // $5
                    device.os,             // $6
                    device.fingerprint,    // $7
                ]).affectedRows == 1
                if inserted { try HistoryStore.write(history, on: connection) }
                return inserted
            }
        }
    }
}
