import VaultCrypto
import JSON

/// `enroll`: a device of the caller's announces itself by fingerprint, without a token.
enum SilentEnrollmentAction: EnrollmentAction {
    static let name = "enroll"

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        guard let fingerprint = fields.fingerprint else { throw EnrollmentError.fingerprintRequired }
        guard let userID = call.caller.userID else { throw EnrollmentError.userNotFound }
        // The common case (the device is known) is one statement. When the insert loses a race
        // for the fingerprint, the second round finds the winner: ours, or someone else's (409).
        for _ in 0..<2 {
            if let known = try DeviceStore.touchEnrolled(fingerprint: fingerprint, userID: userID, in: call.database) {
                return answer(deviceID: known.id, status: known.status, message: "Device already enrolled")
            }
            let device = try newDevice(call, fields: fields, userID: userID, fingerprint: fingerprint)
            if try DeviceStore.insertEnrolled(device, history: history(call, of: device), in: call.database) {
                return answer(deviceID: device.id, status: .active, message: "Device enrolled successfully")
            }
        }
        throw EnrollmentError.fingerprintTaken
    }

    private static func newDevice(_ call: ActionCall, fields: EnrollmentFields, userID: String, fingerprint: String) throws -> SilentlyEnrolledDevice {
        SilentlyEnrolledDevice(
            id: SecureRandom.uuidV4(), userID: userID, organizationID: try call.caller.loadOrganizationID(),
            name: fields.deviceName ?? "Auto-enrolled Device", type: fields.deviceType ?? .laptop,
            os: fields.os, fingerprint: fingerprint)
    }

    private static func history(_ call: ActionCall, of device: SilentlyEnrolledDevice) -> ChangeRecord {
        ChangeRecord(
            deviceEvents: [call.event("enrolled", deviceID: device.id, ["method": "silent", "os": .optional(device.os)])],
            auditEntries: [call.audit("device_enrolled", organizationID: device.organizationID,
                                      ["device_id": .string(device.id), "device_name": .string(device.name), "method": "silent"])])
    }

    private static func answer(deviceID: String, status: DeviceStatus, message: String) -> JSONValue {
        ["success": true, "device_id": .string(deviceID), "status": .string(status.rawValue), "message": .string(message)]
    }
}

/// A device that enrolls itself: active at once, medium trust (no Tailscale proof yet).
struct SilentlyEnrolledDevice {
    let id: String
    let userID: String
    let organizationID: String?
    let name: String
    let type: DeviceType
    let os: String?
    let fingerprint: String
}
