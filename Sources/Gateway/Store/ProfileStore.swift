import Postgres

/// The SQL of `profiles`: the caller's profile, or the target user of an admin action.
enum ProfileStore {
    static let loadSQL = "SELECT organization_id::text AS organization_id, role::text AS role FROM profiles WHERE id = $1::uuid"

    static func load(userID: String, in database: Database) throws -> Profile? {
        let row = try database.query(loadSQL, [userID]).first
        guard let row else { return nil }
        guard let role = UserRole(rawValue: try row.required("role")) else { throw StoreError.unexpectedValue(column: "role") }
        return Profile(userID: userID, organizationID: try row.value("organization_id"), role: role)
    }

    static let insertSQL = """
        INSERT INTO profiles (id, organization_id, full_name, role)
        VALUES (gen_random_uuid(), $1::uuid, $2, $3::user_role) RETURNING id::text AS id
        """

    /// A new profile's id; `StoreError.missingReference` when the organization does not exist
    /// (or, on a Supabase database, `profiles.id` must name a user of Supabase Auth).
    static func create(organizationID: String, fullName: String, role: UserRole, in database: Database) throws -> String {
        do {
            return try StoreError.onlyRow(of: database.query(insertSQL, [organizationID, fullName, role.rawValue])).required("id")
        } catch let error as DatabaseError where error.sqlState == "23503" {  // foreign_key_violation
            throw StoreError.missingReference
        }
    }

    static let namesSQL = """
        SELECT (SELECT full_name FROM profiles WHERE id = $1::uuid) AS user_name,
               (SELECT name FROM organizations WHERE id = $2::uuid) AS organization_name
        """

    /// The user's full name and the organization's name, each nil when unknown or not set.
    static func names(userID: String?, organizationID: String?, in database: Database) throws -> (user: String?, organization: String?) {
        try database.withConnection { connection in
            let row = try StoreError.onlyRow(of: connection.query(namesSQL, [userID, organizationID]))
            return (try row.value("user_name"), try row.value("organization_name"))
        }
    }
}
