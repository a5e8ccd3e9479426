import JSON
import Postgres

/// `verify`: the new device redeems its enrollment token and receives what it needs to join
/// the tailnet (auth key, tags, group, organization name).
enum VerifyTokenAction: EnrollmentAction {
    static let name = "verify"
    static let defaultOrganizationName = "Tu Organización"

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        try call.caller.requireKeyHolder()
        let presented: String?
        switch call.body["enrollment_token"] {
        case nil, .null?, .string("")?: throw EnrollmentError.tokenRequired
        case .string(let text)?: presented = text
        default: presented = nil // a number or an object is just a wrong token
        }
        let failures = VerifyFailureLimit(call)
        try failures.checkAllowed(in: call.database)
        do {
            guard let token = presented.flatMap(EnrollmentToken.init(presented:)) else { throw UnredeemableToken() }
            return try redeem(call, token, fields: fields)
        } catch is UnredeemableToken {
            try failures.recordFailure(in: call.database)
            throw EnrollmentError.invalidToken
        }
    }

    /// A token that matches no pending device the caller may redeem: what a guesser gets, so the
    /// only failure that counts against the limit. Holding a real token (expired, or redeemed by
    /// another device) guesses nothing, and must not lock the rightful device out of a reload.
    private struct UnredeemableToken: Error {}

    private static func redeem(_ call: ActionCall, _ token: EnrollmentToken, fields: EnrollmentFields) throws -> JSONValue {
        let fingerprint = fields.fingerprint ?? ""
        // Two rounds: when a concurrent verify binds the token between our read and our write,
        // the second round judges this request against that binding.
        for _ in 0..<2 {
            // Someone else's device answers exactly like an unknown token.
            guard let device = try DeviceStore.redeemable(by: token, in: call.database), device.status == .pending,
                  try mayRedeem(call, device)
            else { throw UnredeemableToken() }
            if device.isExpired { throw EnrollmentError.expiredToken }
            if let boundFingerprint = device.boundFingerprint {
                // Redeemed already: the same device reloading gets the same answer, any other nothing.
                guard boundFingerprint == fingerprint else { throw EnrollmentError.invalidToken }
                return try answer(device, authKey: authKey(call, for: device))
            }
            let authKey = try authKey(call, for: device)
            let deviceType = fields.deviceType?.rawValue ?? device.deviceType
            let history = ChangeRecord(deviceEvents: [call.event("token_validated", deviceID: device.id,
                                                                 ["device_type": .string(deviceType), "has_tailscale_key": true])])
            if try bind(token, to: device, fields: fields, history: history, in: call.database) {
                return answer(device, authKey: authKey)
            }
        }
        throw EnrollmentError.invalidToken
    }

    /// False when a concurrent `verify` bound the token first.
    private static func bind(_ token: EnrollmentToken, to device: RedeemableDevice, fields: EnrollmentFields,
                             history: ChangeRecord, in database: Database) throws -> Bool {
        do {
            return try DeviceStore.bindToken(token, to: device, deviceType: fields.deviceType, fingerprint: fields.fingerprint,
                                             history: history, in: database)
        } catch StoreError.fingerprintTaken {
            throw EnrollmentError.fingerprintTaken
        }
    }

    /// The device's user, in the organization the device belongs to; or an admin of that
    /// organization. The portal lets users write their own `devices` rows with any
    /// `organization_id` and a raw token, so owning the row is not enough: without the
    /// organization check a user could pull another organization's key.
    private static func mayRedeem(_ call: ActionCall, _ device: RedeemableDevice) throws -> Bool {
        if try call.caller.isAdmin(of: device.organizationID) { return true }
        guard call.caller.userID == device.userID, let organizationID = device.organizationID else { return false }
        return try call.caller.loadProfile()?.organizationID == organizationID
    }

    /// The device's own key, else the organization's, else the setting's (never minted here:
    /// a key is minted when the device is created).
    private static func authKey(_ call: ActionCall, for device: RedeemableDevice) throws -> String {
        let resolver = AuthKeyResolver(services: call.services)
        let key = try resolver.resolve(
            preferred: resolver.reveal(device.storedAuthKey),
            organization: { try OrganizationStore.tailscaleConfig(organizationID: device.organizationID, in: call.database) },
            minting: .never)
        guard let key else { throw EnrollmentError.noAuthKeyForDevice }
        return key.key
    }

    /// The stored name: it was set by whoever registered the device, never by the redeemer.
    private static func answer(_ device: RedeemableDevice, authKey: String) -> JSONValue {
        [
            "success": true, "device_id": .string(device.id), "device_name": .string(device.name),
            "organization_name": .string(device.organizationName ?? Self.defaultOrganizationName),
            "tailscale_auth_key": .string(authKey), "tailscale_tags": .array(device.tags.map(JSONValue.string)),
            "tailscale_group": .string(device.group), "expires_at": .optional(device.expiresAt),
        ]
    }
}
