import JSON

/// `generate_token`: any user starts enrolling a new device of their own (the portal shows the
/// token as a QR code). A missing Tailscale key is not an error here.
enum GenerateTokenAction: EnrollmentAction {
    static let name = "generate_token"

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        try call.caller.requireKeyHolder()
        guard let userID = call.caller.userID else { throw EnrollmentError.userNotFound }
        let device = PendingDevice(userID: userID, organizationID: try call.caller.loadOrganizationID(),
                                   name: fields.deviceName ?? "New Device", type: fields.deviceType ?? .laptop,
                                   os: fields.os, createdBy: userID,
                                   tokenLifetimeSeconds: call.settings.enrollmentTokenTTLSeconds)
        let history = ChangeRecord(deviceEvents: [call.event("enrollment_initiated", deviceID: device.id, ["method": "qr_code"])])
        let hasAuthKey = try PendingDeviceIssuer(call: call).issue(device, requestedAuthKey: nil, authKeyRequired: false, history: history)
        return [
            "success": true, "enrollment_token": .string(device.token.raw), "device_id": .string(device.id),
            "expires_at": .string(device.expiresAt), "has_tailscale_key": .bool(hasAuthKey),
        ]
    }
}
