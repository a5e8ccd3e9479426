import VaultCrypto
import JSON

/// `revoke_device` (admin): the device is `revoked` for good (silent enrollment, linking and
/// the monitor never bring it back), its stored key and enrollment token are cleared, its node
/// is removed from the tailnet (or its key expired: `REVOCATION_NODE_ACTION`) and its minted
/// key revoked, now or, when Tailscale is down, by the monitor's retries. Revoking a revoked device again answers the same and changes nothing.
enum DeviceRevocationAction: EnrollmentAction {
    static let name = "revoke_device"
    static let deviceIDRequired = APIError.badRequest("Device ID required")
    static let deviceNotFound = APIError.notFound("Device not found")

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        guard let deviceID = try OptionalField.text(call.body, "device_id", orThrow: Self.deviceNotFound)?.lowercased()
        else { throw Self.deviceIDRequired }
        guard UUIDText.isValid(deviceID) else { throw Self.deviceNotFound }
        _ = try call.caller.loadProfile()  // read before the transaction, which then only locks the device
        let revocation: DeviceRevocationStore.Revocation
        do {
            revocation = try DeviceRevocationStore.revoke(deviceID, by: call.caller.userID, nodeAction: call.settings.revokedNode,
                                                          in: call.database) { target in
                guard try call.caller.isAdmin(of: target.organizationID) else {
                    // The owner knows the device exists; anyone else learns nothing.
                    throw target.userID == call.caller.userID ? APIError.forbidden : Self.deviceNotFound
                }
                return history(call, deviceID, target)
            }
        } catch StoreError.deviceNotFound {
            throw Self.deviceNotFound
        }
        let upstreamCompleted: Bool? = switch revocation {
        case .revoked: nil
        case .revokedBefore(let completed): completed
        }
        let completed = upstreamCompleted
            ?? DeviceRevocationUpstream(services: call.services).attempt(deviceID, source: Self.name,
                                                                         clientAddress: call.request.clientAddress)
        return [
            "success": true, "device_id": .string(deviceID), "status": .string(DeviceStatus.revoked.rawValue),
            "upstream": completed ? "completed" : "pending",
        ]
    }

    private static func history(_ call: ActionCall, _ deviceID: String, _ target: DeviceRevocationStore.Target) -> ChangeRecord {
        ChangeRecord(
            deviceEvents: [call.event("device_revoked", deviceID: deviceID, [
                "revoked_by": .optional(call.caller.userID), "previous_status": .string(target.status.rawValue),
                "tailscale_device_id": .optional(target.nodeID), "minted_key": .bool(target.keyID != nil),
            ])],
            auditEntries: [call.audit("device_revoked", organizationID: target.organizationID, [
                "device_id": .string(deviceID), "device_name": .string(target.name),
                "target_user_id": .string(target.userID),
            ])])
    }
}
