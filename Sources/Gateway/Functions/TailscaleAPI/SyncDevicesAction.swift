import VaultCrypto
import JSON
import Tailscale

/// `sync-devices`: lists the tailnet once (after the bounded key checks of `InventoryFetch`)
/// and brings every linked local device up to date in one transaction. An org admin syncs
/// their organization; `service_role` and global admins all of them, or the one named by
/// `organization_id`.
enum SyncDevicesAction: TailscaleAction {
    static let name = "sync-devices"

    static func run(_ call: ActionCall) throws -> JSONValue {
        let scope = try organizationScope(call)
        // Read as every sync reads the tailnet: joining devices' key states first, then the list.
        let deviceList = try InventoryFetch(client: call.services.requireTailscale(), services: call.services).deviceList()
        let outcome = try InventorySync(offlineAfterSeconds: call.settings.monitor.offlineAfterSeconds)
            .run(deviceList, organizationID: scope,
                 clientAddress: call.request.clientAddress, source: Self.name, database: call.database)
        var answer = JSONObject([("success", true), ("synced", .int(outcome.linkedDevices)),
                                 ("totalTailscaleDevices", .int(outcome.nodes))])
        if let hint = call.text("device_name_hint") { answer["matched_device"] = try Self.match(hint, call) }
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

    /// The node a device named `hint` would join as, found in the inventory just synced the
    /// way check-device finds a node by its hostname (online ones first): the best match the
    /// caller may see as list-devices would (`VisibleNodes`). An organization's admin learns
    /// nothing of another organization's machines, and is matched to their own node even when
    /// another organization's node of the same name ranks before it.
    private static func match(_ hint: String, _ call: ActionCall) throws -> JSONValue {
        let lookup = NodeLookup(database: call.database, maxAgeSeconds: call.settings.monitor.inventoryMaxAgeSeconds)
        let matches = try lookup.nodes(identifier: AccessibleDevice.expectedHostname(forName: hint)).map(\.device)
        guard !matches.isEmpty, let device = try VisibleNodes.scope(for: call.caller, in: call.database).filter(matches).first
        else { return .null }
        return ["id": .string(device.id), "hostname": .string(device.hostname), "ip": .optional(device.addresses.first)]
    }
}
