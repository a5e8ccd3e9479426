#if canImport(Glibc)
import Glibc
#endif
import JSON
import Tailscale

/// `list-devices`: the tailnet as the API lists it now. Admins and `service_role` see every
/// node; other users only the nodes linked to their own devices.
struct ListDevicesAction: TailscaleAction {
    static let name = "list-devices"

    static let ownLinks = """
        SELECT tailscale_device_id, lower(tailscale_hostname) AS hostname
        FROM devices WHERE user_id = $1::uuid AND (tailscale_device_id IS NOT NULL OR tailscale_hostname IS NOT NULL)
        """

    let call: TailscaleCall

    init(_ call: TailscaleCall) { self.call = call }

    func run() throws -> JSONValue {
        let devices = try call.services.requireTailscale().listDevices()
        let visible = try call.caller.isAnyAdmin ? devices : linkedToCaller(devices)
        let now = Int64(time(nil))
        return ["success": true, "devices": .array(visible.map { CompatibleDevice.full($0, online: $0.isOnline(now: now)) })]
    }

    /// A device links to a node by its Tailscale id, or (not yet linked by id) by its hostname.
    private func linkedToCaller(_ devices: [TailscaleDevice]) throws -> [TailscaleDevice] {
        guard let userID = call.caller.userID else { return [] }
        let rows = try call.database.withConnection { connection in try connection.query(Self.ownLinks, [userID]).rows }
        let ids = Set(rows.compactMap { $0["tailscale_device_id"] })
        let hostnames = Set(rows.filter { $0["tailscale_device_id"] == nil }.compactMap { $0["hostname"] })
        return devices.filter { device in
            ids.contains(device.id) || device.nodeId.map(ids.contains) == true || hostnames.contains(device.hostname.lowercased())
        }
    }
}
