import JSON
import Tailscale

/// `generate-auth-key`: a key a new machine joins the tailnet with. Minted through the API when
/// OAuth is configured (single-use, pre-authorized, not ephemeral, tagged, 24 h), else the
/// organization's or the service's static key. With `deviceId`, the key is stored (encrypted)
/// on that device.
///
/// Allowed tags are the organization's configured tags, else `tag:prod`: a user may narrow
/// them but never ask for a tag the organization was not given.
enum GenerateAuthKeyAction: TailscaleAction {
    static let name = "generate-auth-key"
    static let lifetimeSeconds = 24 * 3600
    static let invalidTags = APIError.badRequest("Invalid tags: must be a list of tags like tag:name")
    static let invalidGroup = APIError.badRequest("Invalid group: must be 1-64 characters")

    static func run(_ call: ActionCall) throws -> JSONValue {
        try call.caller.requireKeyHolder()
        let requestedTags = try tagsField(call)
        let group = try groupField(call)
        let device = try call.text("deviceId").map { try AccessibleDevice.load(id: $0, for: call) }
        let organizationID = try device?.organizationID ?? call.caller.loadOrganizationID()
        let config = try OrganizationStore.tailscaleConfig(organizationID: organizationID, in: call.database)
        let allowedTags = config?.tags ?? OrganizationTailscaleConfig.defaultTags
        let tags = requestedTags ?? allowedTags
        let refused = tags.filter { !allowedTags.contains($0) }
        guard refused.isEmpty else {
            throw APIError.badRequest("Tags not allowed for this organization: " + refused.joined(separator: ", "))
        }
        let key = try issueKey(call, tags: tags, organizationID: organizationID, config: config)
        if let device { try store(call, key, tags: tags, group: group, on: device) }
        return ["success": true, "authKey": .string(key.key), "expiresAt": .optional(key.minted?.expires)]
    }

    /// Minted when OAuth is configured (charged against the mint limits); else the static key,
    /// whose expiry is not known here. None at all is the contract's 503.
    private static func issueKey(_ call: ActionCall, tags: [String], organizationID: String?, config: OrganizationTailscaleConfig?) throws -> DeviceAuthKey {
        let resolver = AuthKeyResolver(services: call.services)
        if call.services.tailscale != nil {
            return try resolver.mint(MintRequest(tags: tags, expirySeconds: Self.lifetimeSeconds,
                                                 description: try description(call, organizationID: organizationID),
                                                 userID: call.caller.userID, organizationID: organizationID))
        }
        guard let key = resolver.sharedKey(config) else { throw TailscaleError.notConfigured }
        return DeviceAuthKey(key: key, minted: nil)
    }

    private static func description(_ call: ActionCall, organizationID: String?) throws -> String {
        let names = try ProfileStore.names(userID: call.caller.userID, organizationID: organizationID, in: call.database)
        let user = names.user ?? (call.caller.isServiceRole ? "service" : "user")
        return AuthKeyDescription.make(user: user, organization: names.organization ?? "")
    }

    private static func store(_ call: ActionCall, _ key: DeviceAuthKey, tags: [String], group: String, on device: AccessibleDevice) throws {
        let expiresAt = key.minted?.expires
        let event = call.event("tailscale_auth_key_generated", deviceID: device.id, [
            "tags": .array(tags.map(JSONValue.string)), "group": .string(group), "expiresAt": .optional(expiresAt),
        ])
        try DeviceStore.storeAuthKey(call.settings.secretsKey.seal(key.key, for: .deviceAuthKey(deviceID: device.id)),
                                     minted: key.minted, expiresAt: expiresAt, tags: tags, group: group,
                                     onDevice: device.id, history: ChangeRecord(deviceEvents: [event]), in: call.database)
    }

    /// `tags`: absent means the organization's tags; else a non-empty list of valid tags.
    private static func tagsField(_ call: ActionCall) throws -> [String]? {
        guard let value = call.body["tags"], !value.isNull else { return nil }
        guard let list = value.arrayValue, !list.isEmpty else { throw Self.invalidTags }
        var tags: [String] = []
        for element in list {
            guard let tag = element.stringValue, TailscaleTag.isValid(tag) else { throw Self.invalidTags }
            if !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }

    private static func groupField(_ call: ActionCall) throws -> String {
        guard let value = call.body["group"], !value.isNull, value != .string("") else { return PendingDevice.defaultGroup }
        guard let group = value.stringValue, group.count <= 64, group.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { throw Self.invalidGroup }
        return group
    }
}
