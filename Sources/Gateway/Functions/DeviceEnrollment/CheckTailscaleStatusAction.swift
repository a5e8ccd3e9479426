import JSON
import Tailscale

/// `check_tailscale_status`: has the device the portal is waiting for joined the tailnet? When
/// its node is connected, the enrollment completes here (device active and trusted, token and
/// stored key cleared). Answered from the synced inventory; a stale one is refreshed by one
/// poller at a time, and a Tailscale failure only means "not connected yet".
enum CheckTailscaleStatusAction: EnrollmentAction {
    static let name = "check_tailscale_status"
    static let deviceIDRequired = APIError.badRequest("Device ID required")
    static let deviceNotFound = APIError.notFound("Device not found")

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        // The portal passes the device id in `enrollment_token`.
        guard let requestedID = (call.text("enrollment_token") ?? call.text("device_id"))?.lowercased() else { throw Self.deviceIDRequired }
        let maxAge = call.settings.monitor.inventoryMaxAgeSeconds
        guard case let (found, fresh)? = try DeviceStore.joining(id: requestedID, maxAgeSeconds: maxAge, in: call.database),
              try call.caller.userID == found.userID || call.caller.isAdmin(of: found.organizationID)
        else { throw Self.deviceNotFound }
        var device = found
        if !fresh, refreshInventory(call), let again = try DeviceStore.joining(id: requestedID, maxAgeSeconds: maxAge, in: call.database) {
            device = again.0
        }

        let notConnected: JSONValue = ["success": true, "status": .string(device.status.rawValue), "tailscale_connected": false]
        guard !device.status.isRetired else { return notConnected }
        let linking = NodeLinking(database: call.database, tokenLifetimeSeconds: call.settings.enrollmentTokenTTLSeconds)
        guard let node = try device.node ?? linking.node(forDevice: device.id, naming: .rules, clientAddress: call.request.clientAddress),
              node.online
        else { return notConnected }
        try complete(call, device, on: node)
        return [
            "success": true, "status": .string(DeviceStatus.active.rawValue), "tailscale_connected": true,
            "tailscale_hostname": .string(node.device.hostname), "tailscale_ip": .optional(node.device.addresses.first),
        ]
    }

    /// True when this request refreshed the inventory. Tailscale being down or not configured
    /// is not the portal's problem here: it keeps polling and sees "not connected" meanwhile.
    private static func refreshInventory(_ call: ActionCall) -> Bool {
        do {
            if case .refreshed = try InventoryRefresher(services: call.services).refresh(clientAddress: call.request.clientAddress) {
                return true
            }
        } catch TailscaleError.notConfigured {
            // No OAuth client: the inventory is whatever the monitor of another host synced.
        } catch let error as TailscaleError {
            call.services.logger.warning("inventory refresh failed", [("error", .string(String(describing: error)))])
        } catch {
            call.services.logger.warning("inventory refresh failed", [("error_type", .string(String(describing: type(of: error))))])
        }
        return false
    }

    private static func complete(_ call: ActionCall, _ device: JoiningDevice, on node: InventoryNode) throws {
        let tailscale = node.device
        let history = ChangeRecord(
            deviceEvents: [call.event("tailscale_connected", deviceID: device.id, [
                "tailscale_device_id": .string(tailscale.id), "tailscale_hostname": .string(tailscale.hostname),
                "tailscale_ip": .optional(tailscale.addresses.first),
            ])],
            auditEntries: [call.audit("device_enrolled_tailscale", organizationID: device.organizationID, [
                "device_id": .string(device.id), "tailscale_hostname": .string(tailscale.hostname),
            ])])
        try DeviceStore.link(device.id, to: node, history: history, in: call.database)
    }
}
