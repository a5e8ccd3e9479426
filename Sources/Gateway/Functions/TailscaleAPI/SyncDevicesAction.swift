import VaultCrypto
import JSON
import Tailscale

/// `sync-devices`: lists the tailnet once and brings every linked local device up to date in
/// one transaction. An org admin syncs their organization; `service_role` and global admins
/// all of them, or the one named by `organization_id`.
enum SyncDevicesAction: TailscaleAction {
    static let name = "sync-devices"

    static func run(_ call: ActionCall) throws -> JSONValue {
        let scope = try organizationScope(call)
        let devices = try call.services.requireTailscale().listDevices()
        let outcome = try InventorySync(offlineAfterSeconds: call.settings.monitor.offlineAfterSeconds).run(devices, organizationID: scope, clientAddress: call.request.clientAddress,
                                                   source: Self.name, database: call.database)
        var answer = JSONObject([("success", true), ("synced", .int(outcome.linkedDevices)),
                                 ("totalTailscaleDevices", .int(devices.count))])
        if let hint = call.text("device_name_hint") { answer["matched_device"] = Self.match(hint, in: devices) }
        return .object(answer)
    }

    /// nil means every organization.
    private static func organizationScope(_ call: ActionCall) throws -> String? {
        let caller = call.caller
        guard try caller.isAnyAdmin else { throw APIError.forbidden }
        let requested = call.text("organization_id")?.lowercased()
        if let requested, !UUIDText.isValid(requested) { throw APIError.badRequest("Invalid organization_id") }
        if try caller.isServiceRole || caller.isGlobalAdmin { return requested }
        guard let own = try caller.loadOrganizationID(), requested == nil || requested == own else { throw APIError.forbidden }
        return own
    }

    /// The node a device named `hint` would join as: connected ones first, then the newest.
    static func match(_ hint: String, in devices: [TailscaleDevice]) -> JSONValue {
        let hostname = AccessibleDevice.expectedHostname(forName: hint)
        let candidates = devices.filter { $0.hostname.lowercased() == hostname }
        let best = candidates.first { $0.connectedToControl == true } ?? candidates.max { ($0.created ?? "") < ($1.created ?? "") }
        guard let best else { return .null }
        return ["id": .string(best.id), "hostname": .string(best.hostname), "ip": .optional(best.addresses.first)]
    }
}
