#if canImport(Glibc)
import Glibc
#endif
import JSON
import Postgres

/// `generate-auth-key`: a key a new machine joins the tailnet with. Minted through the API when
/// OAuth is configured (single-use, pre-authorized, not ephemeral, tagged, 24 h), else the
/// organization's or the service's static key. With `deviceId`, the key is stored (encrypted)
/// on that device.
///
/// Allowed tags are the organization's configured tags, else `tag:prod`: a user may narrow
/// them but never ask for a tag the organization was not given.
struct GenerateAuthKeyAction: TailscaleAction {
    static let name = "generate-auth-key"
    static let lifetimeSeconds = 24 * 3600
    static let defaultGroup = "sap"
    static let invalidTags = APIError.badRequest("Invalid tags: must be a list of tags like tag:name")
    static let invalidGroup = APIError.badRequest("Invalid group: must be 1-64 characters")

    static let names = """
        SELECT (SELECT full_name FROM profiles WHERE id = $1::uuid) AS user_name,
               (SELECT name FROM organizations WHERE id = $2::uuid) AS organization_name
        """

    static let storeOnDevice = """
        UPDATE devices SET tailscale_auth_key = $2,
            metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object(
                'tailscale_key_expires', $3::text, 'tailscale_tags', $4::jsonb, 'tailscale_group', $5::text)
        WHERE id = $1::uuid
        """

    let call: TailscaleCall

    init(_ call: TailscaleCall) { self.call = call }

    func run() throws -> JSONValue {
        let requestedTags = try tagsField()
        let group = try groupField()
        let device = try call.text("deviceId").map(call.accessibleDevice)
        let organizationID = try device?.organizationID ?? call.caller.organizationID
        let config = try call.database.withConnection { connection in
            try OrganizationTailscaleConfig.newestActive(organizationID: organizationID, on: connection)
        }
        let allowedTags = config?.tags ?? OrganizationTailscaleConfig.defaultTags
        let tags = requestedTags ?? allowedTags
        let refused = tags.filter { !allowedTags.contains($0) }
        guard refused.isEmpty else {
            throw APIError.badRequest("Tags not allowed for this organization: " + refused.joined(separator: ", "))
        }
        let (key, expiresAt) = try issueKey(tags: tags, organizationID: organizationID, config: config)
        if let device { try store(key, expiresAt: expiresAt, tags: tags, group: group, on: device) }
        return ["success": true, "authKey": .string(key), "expiresAt": .optional(expiresAt)]
    }

    /// Minted when OAuth is configured; else the static key. None at all is the contract's 503.
    private func issueKey(tags: [String], organizationID: String?, config: OrganizationTailscaleConfig?) throws -> (String, String?) {
        if let client = call.services.tailscale {
            let minted = try client.createAuthKey(tags: tags, expirySeconds: Self.lifetimeSeconds,
                                                  description: try description(organizationID: organizationID),
                                                  reusable: false, ephemeral: false, preauthorized: true)
            return (minted.key, minted.expires ?? Timestamp.iso8601(Timestamp.now() + Double(Self.lifetimeSeconds)))
        }
        let resolver = AuthKeyResolver(services: call.services)
        guard let key = resolver.reveal(config?.storedAuthKey) ?? call.settings.tailscale.authKey else {
            throw APIError.tailscaleNotConfigured
        }
        // A static key's expiry is not known here.
        return (key, nil)
    }

    private func description(organizationID: String?) throws -> String {
        let row = try call.database.withConnection { connection in
            try connection.query(Self.names, [call.caller.userID, organizationID]).first
        }
        let user = row?["user_name"] ?? (call.caller.isServiceRole ? "service" : "user")
        return AuthKeyDescription.make(user: user, organization: row?["organization_name"] ?? "")
    }

    private func store(_ key: String, expiresAt: String?, tags: [String], group: String, on device: AccessibleDevice) throws {
        let tagsJSON = JSONValue.array(tags.map(JSONValue.string))
        let sealed = call.settings.secretsKey.seal(key, for: .deviceAuthKey(deviceID: device.id))
        let event = call.event("tailscale_auth_key_generated", deviceID: device.id,
                               ["tags": tagsJSON, "group": .string(group), "expiresAt": .optional(expiresAt)])
        try call.database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(Self.storeOnDevice, [device.id, sealed, expiresAt, tagsJSON.serialized(), group])
                try ChangeRecord(deviceEvents: [event]).write(on: connection)
            }
        }
    }

    /// `tags`: absent means the organization's tags; else a non-empty list of valid tags.
    private func tagsField() throws -> [String]? {
        guard let value = call.body["tags"], !value.isNull else { return nil }
        guard let list = value.arrayValue, !list.isEmpty else { throw Self.invalidTags }
        var tags: [String] = []
        for element in list {
            guard let tag = element.stringValue, TailscaleTag.isValid(tag) else { throw Self.invalidTags }
            if !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }

    private func groupField() throws -> String {
        guard let value = call.body["group"], !value.isNull, value != .string("") else { return Self.defaultGroup }
        guard let group = value.stringValue, group.count <= 64, group.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { throw Self.invalidGroup }
        return group
    }
}
