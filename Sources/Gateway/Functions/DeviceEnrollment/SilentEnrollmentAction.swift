import Crypto
import JSON

/// `enroll`: a device of the caller's announces itself by fingerprint, without a token.
struct SilentEnrollmentAction: EnrollmentAction {
    static let name = "enroll"

    let call: EnrollmentCall

    init(_ call: EnrollmentCall) { self.call = call }

    func run() throws -> JSONValue {
        guard let fingerprint = call.fields.fingerprint else { throw EnrollmentError.fingerprintRequired }
        guard let userID = call.caller.userID else { throw EnrollmentError.userNotFound }
        // The common case (the device is known) is one statement. When the insert loses a race
        // for the fingerprint, the second round finds the winner: ours, or someone else's (409).
        for _ in 0..<2 {
            if let known = try SilentEnrollmentStore.touch(fingerprint: fingerprint, userID: userID, in: call.database) {
                return Self.answer(deviceID: known.id, status: known.status, message: "Device already enrolled")
            }
            let device = try newDevice(userID: userID, fingerprint: fingerprint)
            if try SilentEnrollmentStore.insert(device, history: history(of: device), into: call.database) {
                return Self.answer(deviceID: device.id, status: "active", message: "Device enrolled successfully")
            }
        }
        throw EnrollmentError.fingerprintTaken
    }

    private func newDevice(userID: String, fingerprint: String) throws -> SilentlyEnrolledDevice {
        SilentlyEnrolledDevice(
            id: SecureRandom.uuidV4(), userID: userID, organizationID: try call.caller.organizationID,
            name: call.fields.deviceName ?? "Auto-enrolled Device", type: call.fields.deviceType ?? .laptop,
            os: call.fields.os, fingerprint: fingerprint)
    }

    private func history(of device: SilentlyEnrolledDevice) -> ChangeRecord {
        ChangeRecord(
            deviceEvents: [call.event("enrolled", deviceID: device.id, ["method": "silent", "os": .optional(device.os)])],
            auditEntries: [call.audit("device_enrolled", organizationID: device.organizationID,
                                      ["device_id": .string(device.id), "device_name": .string(device.name), "method": "silent"])])
    }

    private static func answer(deviceID: String, status: String, message: String) -> JSONValue {
        ["success": true, "device_id": .string(deviceID), "status": .string(status), "message": .string(message)]
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
