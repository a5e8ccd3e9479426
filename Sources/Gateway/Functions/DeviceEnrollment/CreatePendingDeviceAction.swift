import VaultCrypto
import JSON

/// `create_pending_device`: an admin prepares a device for a user of their organization; the
/// user redeems the token on the new device with `verify`.
enum CreatePendingDeviceAction: EnrollmentAction {
    static let name = "create_pending_device"
    static let message = "Pending device created. User can enroll using the enrollment token."

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        let body = call.body
        // Ids of the wrong JSON type name nothing that exists: no such user; an organization the
        // caller does not administer.
        let requestedUserID = try OptionalField.text(body, "user_id", orThrow: EnrollmentError.userNotFound)
        let requestedOrganizationID = try OptionalField.text(body, "organization_id", orThrow: .forbidden)?.lowercased()
        let requestedAuthKey = try OptionalField.text(body, "tailscale_auth_key", orThrow: EnrollmentError.invalidAuthKey,
                                                      isValid: FieldRule.isAuthKey)
        let caller = call.caller
        try caller.requireKeyHolder()
        // `user` and `support` never create devices; an admin only in an organization they administer.
        guard try caller.isAnyAdmin else { throw APIError.forbidden }
        if let requestedOrganizationID, try !caller.isAdmin(of: requestedOrganizationID) { throw APIError.forbidden }

        let target = try targetProfile(call, requestedUserID)
        let organizationID = requestedOrganizationID ?? target.organizationID
        guard let organizationID, target.organizationID == organizationID else { throw EnrollmentError.userNotInOrganization }

        let device = PendingDevice(userID: target.userID, organizationID: organizationID,
                                   name: fields.deviceName ?? "Pending Device", type: fields.deviceType ?? .laptop,
                                   os: fields.os, createdBy: caller.userID,
                                   tokenLifetimeSeconds: call.settings.enrollmentTokenTTLSeconds)
        let history = ChangeRecord(
            deviceEvents: [call.event("pending_device_created", deviceID: device.id,
                                      ["created_by": .optional(caller.userID), "expires_at": .string(device.expiresAt)])],
            auditEntries: [call.audit("pending_device_created", organizationID: organizationID,
                                      ["device_id": .string(device.id), "target_user_id": .string(device.userID)])])
        _ = try PendingDeviceIssuer(call: call).issue(device, requestedAuthKey: requestedAuthKey, authKeyRequired: true, history: history)
        return [
            "success": true, "device_id": .string(device.id), "enrollment_token": .string(device.token.raw),
            "expires_at": .string(device.expiresAt), "message": .string(Self.message),
        ]
    }

    /// The user the device is for (default: the caller). A user in an organization the caller
    /// does not administer answers like one that does not exist: an org admin learns nothing
    /// about other organizations' users.
    private static func targetProfile(_ call: ActionCall, _ requestedUserID: String?) throws -> Profile {
        guard let userID = (requestedUserID ?? call.caller.userID)?.lowercased(), UUIDText.isValid(userID) else {
            throw EnrollmentError.userNotFound
        }
        let profile = userID == call.caller.userID
            ? try call.caller.loadProfile()
            : try ProfileStore.load(userID: userID, in: call.database)
        guard let profile, try call.caller.isAdmin(of: profile.organizationID) else { throw EnrollmentError.userNotFound }
        return profile
    }
}
