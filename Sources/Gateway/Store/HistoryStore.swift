import JSON
import Postgres

/// The SQL of the history tables, `device_events` and `audit_logs`. Rows are written on the
/// connection of the transaction that made the change they report, so that the change and its
/// history commit (or roll back) together.
enum HistoryStore {
    static func write(_ record: ChangeRecord, on connection: DatabaseConnection) throws {
        for event in record.deviceEvents { try insert(event, on: connection) }
        for entry in record.auditEntries { try insert(entry, on: connection) }
    }

    static let insertEventSQL = """
        INSERT INTO device_events (device_id, event_type, details, ip_address)
        VALUES ($1::uuid, $2, $3::jsonb, $4)
        """

    private static func insert(_ event: DeviceEvent, on connection: DatabaseConnection) throws {
        try connection.query(insertEventSQL, [event.deviceID, event.type, JSONValue.object(event.details).serialized(), event.ipAddress])
    }

    static let insertAuditSQL = """
        INSERT INTO audit_logs (organization_id, user_id, event, details)
        VALUES ($1::uuid, $2::uuid, $3, $4::jsonb)
        """

    private static func insert(_ entry: AuditEntry, on connection: DatabaseConnection) throws {
        try connection.query(insertAuditSQL, [entry.organizationID, entry.userID, entry.event, JSONValue.object(entry.details).serialized()])
    }

    /// One row per distinct set of candidates: a device polled every 5 s while ambiguous gets
    /// one event, not one per poll.
    static let recordAmbiguitySQL = """
        INSERT INTO device_events (device_id, event_type, details, ip_address)
        SELECT $1::uuid, 'tailscale_link_ambiguous', $2::jsonb, $3
        WHERE NOT EXISTS (SELECT 1 FROM device_events
                          WHERE device_id = $1::uuid AND event_type = 'tailscale_link_ambiguous'
                            AND details->'candidates' = $2::jsonb->'candidates')
        """

    /// A `tailscale_link_ambiguous` event, unless the device has one naming the same candidates.
    static func recordAmbiguity(deviceID: String, details: JSONValue, clientAddress: String, in database: Database) throws {
        try database.query(recordAmbiguitySQL, [deviceID, details.serialized(), clientAddress])
    }
}
