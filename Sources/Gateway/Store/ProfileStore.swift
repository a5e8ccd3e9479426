import Postgres

/// The one query for a user's profile (the caller's, or the target user of an admin action).
enum ProfileStore {
    static func load(userID: String, in database: Database) throws -> Profile? {
        let row = try database.withConnection { connection in
            try connection.query("SELECT organization_id::text AS organization_id, role::text AS role FROM profiles WHERE id = $1::uuid",
                                 [userID]).first
        }
        guard let row else { return nil }
        guard let role = UserRole(rawValue: try row.required("role")) else { throw StoreError.unexpectedValue(column: "role") }
        return Profile(userID: userID, organizationID: try row.value("organization_id"), role: role)
    }
}
