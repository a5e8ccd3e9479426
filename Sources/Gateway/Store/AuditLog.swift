import JSON
import Postgres

/// One row of `audit_logs`: who did what in which organization.
public struct AuditEntry: Sendable {
    public let organizationID: String?
    /// The acting user; nil for a `service_role` key without a subject.
    public let userID: String?
    public let event: String
    public let details: JSONObject

    public init(organizationID: String?, userID: String?, event: String, details: JSONObject) {
        self.organizationID = organizationID
        self.userID = userID
        self.event = event
        self.details = details
    }
}

/// Writes `audit_logs`, on the connection of the transaction that made the change it reports.
/// Details never hold a token or an auth key.
public enum AuditLog {
    static let insert = """
        INSERT INTO audit_logs (organization_id, user_id, event, details)
        VALUES ($1::uuid, $2::uuid, $3, $4::jsonb)
        """

    public static func record(_ entry: AuditEntry, on connection: PostgresConnection) throws {
        try connection.query(insert, [entry.organizationID, entry.userID, entry.event, JSONValue.object(entry.details).serialized()])
    }
}
