import VaultCrypto
import JSON
import OperatingSystem

/// A device waiting for its user to redeem an enrollment token (`create_pending_device`,
/// `generate_token`). Its id and token are chosen here, so that the event rows written with
/// it can name the device.
struct PendingDevice {
    /// Where the portal's Tailscale screens put a device unless the organization says otherwise.
    static let defaultGroup = "sap"

    let id = SecureRandom.uuidV4()
    let token = EnrollmentToken.issue()
    let userID: String
    let organizationID: String?
    let name: String
    let type: DeviceType
    let os: String?
    /// The acting user (nil for a `service_role` key without a subject).
    let createdBy: String?
    /// RFC 3339, as answered and as stored in `enrollment_expires_at`.
    let expiresAt: String

    init(userID: String, organizationID: String?, name: String, type: DeviceType, os: String?,
         createdBy: String?, tokenLifetimeSeconds: Int) {
        self.userID = userID
        self.organizationID = organizationID
        self.name = name
        self.type = type
        self.os = os
        self.createdBy = createdBy
        expiresAt = Timestamp.iso8601(Timestamp.now() + Double(tokenLifetimeSeconds))
    }

    func metadata(tags: [String]) -> JSONObject {
        JSONObject([
            ("created_by", .optional(createdBy)),
            ("tailscale_tags", .array(tags.map(JSONValue.string))),
            ("tailscale_group", .string(Self.defaultGroup)),
        ])
    }
}

/// Stores a pending device with its auth key and history: shared by `create_pending_device`
/// (a key is required) and `generate_token` (a key is optional).
struct PendingDeviceIssuer {
    let call: ActionCall

    /// Resolves the device's auth key, then writes the device and `history` in one transaction.
    /// Returns whether the device got an auth key.
    func issue(_ device: PendingDevice, requestedAuthKey: String?, authKeyRequired: Bool, history: ChangeRecord) throws -> Bool {
        let config = try OrganizationStore.tailscaleConfig(organizationID: device.organizationID, in: call.database)
        let tags = config?.tags ?? OrganizationTailscaleConfig.defaultTags
        let mint = MintRequest(tags: tags, expirySeconds: call.settings.enrollmentTokenTTLSeconds,
                               description: AuthKeyResolver.mintedKeyDescription,
                               userID: call.caller.userID, organizationID: device.organizationID)
        let resolver = AuthKeyResolver(services: call.services)
        let authKey = try resolver.resolve(preferred: requestedAuthKey, organization: { config },
                                           minting: authKeyRequired ? .required(mint) : .bestEffort(mint))
        if authKey == nil && authKeyRequired { throw EnrollmentError.noAuthKeyForOrganization }
        let sealedAuthKey = authKey.map { resolver.seal($0.key, for: .deviceAuthKey(deviceID: device.id)) }
        try DeviceStore.insertPending(device, sealedAuthKey: sealedAuthKey, mintedKey: authKey?.minted,
                                      metadata: device.metadata(tags: tags), history: history, in: call.database)
        return authKey != nil
    }
}
