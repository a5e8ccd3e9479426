import JSON

/// An organization's Tailscale settings: its newest active, unexpired row of
/// `organization_tailscale_config` (read by `OrganizationStore.tailscaleConfig`).
public struct OrganizationTailscaleConfig: Sendable {
    /// As stored: `enc:v2:...` (or `enc:v1:...`) when the service or its admin command wrote
    /// it, plain when the portal did. Open it with `AuthKeyResolver.reveal`.
    public let storedAuthKey: StoredSecret
    public let tags: [String]

    /// The tags of an organization without a configuration (also written into SQL from here).
    public static let defaultTags = ["tag:prod"]
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
