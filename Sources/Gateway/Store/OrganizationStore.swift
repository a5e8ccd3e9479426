import Postgres

/// The SQL of `organizations` and `organization_tailscale_config`.
enum OrganizationStore {
    /// An SQL expression for the tags of the organization in `organizationColumn`: its newest
    /// active config's, else the default. For statements that need them per row.
    static func tagsSQL(organizationColumn: String) -> String {
        """
        coalesce((SELECT c.tags FROM organization_tailscale_config c
                  WHERE c.organization_id = \(organizationColumn) AND c.is_active AND (c.expires_at IS NULL OR c.expires_at > now())
                  ORDER BY c.created_at DESC LIMIT 1), \(defaultTagsSQL))
        """
    }

    private static let defaultTagsSQL = "ARRAY[" + OrganizationTailscaleConfig.defaultTags.map { "'\($0)'" }.joined(separator: ", ") + "]"

    static let newestActiveConfigSQL = """
        SELECT id::text AS id, tailscale_auth_key, to_json(tags)::text AS tags
        FROM organization_tailscale_config
        WHERE organization_id = $1::uuid AND is_active = true AND (expires_at IS NULL OR expires_at > now())
        ORDER BY created_at DESC
        LIMIT 1
        """

    /// The organization's newest active, unexpired configuration; nil when it has no usable
    /// row (or there is no organization).
    static func tailscaleConfig(organizationID: String?, in database: Database) throws -> OrganizationTailscaleConfig? {
        guard let organizationID else { return nil }
        let row = try database.query(newestActiveConfigSQL, [organizationID]).first
        guard let row else { return nil }
        return OrganizationTailscaleConfig(
            storedAuthKey: StoredSecret(try row.required("tailscale_auth_key"), at: .organizationAuthKey(configID: try row.required("id"))),
            tags: TagList.parse(try row.value("tags")) ?? OrganizationTailscaleConfig.defaultTags)
    }

    static let insertSQL = "INSERT INTO organizations (name) VALUES ($1) RETURNING id::text AS id"

    /// A new organization's id.
    static func create(name: String, in database: Database) throws -> String {
        try StoreError.onlyRow(of: database.query(insertSQL, [name])).required("id")
    }

    static let insertConfigSQL = """
        INSERT INTO organization_tailscale_config (id, organization_id, tailscale_auth_key, tags, description)
        VALUES ($1::uuid, $2::uuid, $3, $4::text[], 'stored with nexus-vault org tailscale-key') RETURNING id::text AS id
        """

    /// Stores a static auth key as the organization's newest active configuration.
    /// - Parameter sealedKey: sealed for the row `configID` names.
    static func storeTailscaleKey(configID: String, organizationID: String, sealedKey: String, tags: [String],
                                  in database: Database) throws -> String {
        try StoreError.onlyRow(of: database.query(insertConfigSQL, [configID, organizationID, sealedKey, tags])).required("id")
    }
}
