import JSON
import Postgres

/// An organization's Tailscale settings: its newest active, unexpired row of
/// `organization_tailscale_config`.
public struct OrganizationTailscaleConfig: Sendable {
    /// As stored: `enc:v2:...` (or `enc:v1:...`) when the service or its admin command wrote
    /// it, plain when the portal did. Open it with `AuthKeyResolver.reveal`.
    public let storedAuthKey: StoredSecret
    public let tags: [String]

    public static let defaultTags = ["tag:prod"]

    /// An SQL expression for the tags of the organization in `organizationColumn`: its newest
    /// active config's, else the default. For statements that need them per row.
    static func tagsSQL(organizationColumn: String) -> String {
        """
        coalesce((SELECT c.tags FROM organization_tailscale_config c
                  WHERE c.organization_id = \(organizationColumn) AND c.is_active AND (c.expires_at IS NULL OR c.expires_at > now())
                  ORDER BY c.created_at DESC LIMIT 1), ARRAY['tag:prod'])
        """
    }

    static let newestActiveSQL = """
        SELECT id::text AS id, tailscale_auth_key, to_json(tags)::text AS tags
        FROM organization_tailscale_config
        WHERE organization_id = $1::uuid AND is_active = true AND (expires_at IS NULL OR expires_at > now())
        ORDER BY created_at DESC
        LIMIT 1
        """

    /// nil when the organization has no usable row (or there is no organization).
    public static func newestActive(organizationID: String?, on connection: PostgresConnection) throws -> OrganizationTailscaleConfig? {
        guard let organizationID else { return nil }
        guard let row = try connection.query(newestActiveSQL, [organizationID]).first else { return nil }
        return OrganizationTailscaleConfig(
            storedAuthKey: StoredSecret(try row.required("tailscale_auth_key"), at: .organizationAuthKey(configID: try row.required("id"))),
            tags: TagList.parse(try row.value("tags")) ?? defaultTags)
    }
}

/// Tags as the database hands them over in JSON (`to_json(text[])`, a `jsonb` array in
/// `devices.metadata`).
public enum TagList {
    /// nil for NULL, malformed JSON, or an empty list (an empty tag list mints untagged keys,
    /// which is never what an organization meant).
    public static func parse(_ json: String?) -> [String]? {
        guard let json, let array = (try? JSONParser.parse(json))?.arrayValue else { return nil }
        let tags = array.compactMap(\.stringValue)
        return tags.isEmpty ? nil : tags
    }
}
