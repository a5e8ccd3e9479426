import Postgres

/// The SQL of silent enrollment. `devices.fingerprint` is unique, which is what makes 50
/// concurrent enrolls of one fingerprint create exactly one device.
enum SilentEnrollmentStore {
    struct KnownDevice {
        let id: String
        let status: DeviceStatus
    }

    // One round trip: find the caller's device and refresh its last_seen, except that a revoked
    // or inactive device stays exactly as it is (silent enrollment never undoes a revocation).
    // last_seen is a heartbeat: the commit need not wait for the WAL flush (set_config with
    // is_local applies to this statement's own transaction), and a crash can lose at most the
    // last few milliseconds of heartbeats, never a device.
    static let touchSQL = """
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

    static let insertSQL = """
        INSERT INTO devices (id, user_id, organization_id, name, device_type, os, fingerprint,
                             status, trust_level, enrolled_at, last_seen)
        VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, \(DeviceStatus.active.sql), \(TrustLevel.medium.sql), now(), now())
        ON CONFLICT (fingerprint) DO NOTHING
        """

    /// The caller's device with this fingerprint, its `last_seen` refreshed unless it was
    /// revoked or deactivated; nil when the caller has none.
    static func touch(fingerprint: String, userID: String, in database: Database) throws -> KnownDevice? {
        try database.withConnection { connection in
            guard let row = try connection.query(touchSQL, [fingerprint, userID]).first else { return nil }
            return KnownDevice(id: try row.required("id"), status: try DeviceStatus.parse(row.value("status")))
        }
    }

    /// Creates the device with its history; false (and nothing written) when the fingerprint
    /// is taken already.
    static func insert(_ device: SilentlyEnrolledDevice, history: ChangeRecord, into database: Database) throws -> Bool {
        try database.withConnection { connection in
            try connection.transaction { connection in
                let inserted = try connection.query(insertSQL, [
                    device.id, device.userID, device.organizationID, device.name, device.type.rawValue, device.os, device.fingerprint,
                ]).affectedRows == 1
                if inserted { try history.write(on: connection) }
                return inserted
            }
        }
    }
}
