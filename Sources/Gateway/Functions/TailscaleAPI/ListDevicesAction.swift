import Glibc
import JSON
import Tailscale

/// `list-devices`: the tailnet as the API lists it now, narrowed to what the caller may see
/// (`VisibleNodes`).
enum ListDevicesAction: TailscaleAction {
    static let name = "list-devices"

    static func run(_ call: ActionCall) throws -> JSONValue {
        let devices = try call.services.requireTailscale().listDevices()
        let visible = try VisibleNodes.scope(for: call.caller, in: call.database).filter(devices)
        let now = Int64(time(nil))
        return ["success": true, "devices": .array(visible.map { CompatibleDevice.full($0, online: $0.isOnline(now: now)) })]
    }
}
