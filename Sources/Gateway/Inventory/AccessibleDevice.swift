import Postgres

/// The local device a tailscale-api action names with `deviceId`, loaded only when the caller
/// may act on it.
public struct AccessibleDevice: Sendable {
    public let id: String
    public let userID: String
    public let organizationID: String?
    public let name: String
    public let status: DeviceStatus
    public let tailscaleHostname: String?

    /// The caller's own device, or one in an organization the caller administers. Anything
    /// else answers as if the device did not exist, so that ids of other tenants do not leak.
    public static func load(id: String, for principal: Principal, database: Database) throws -> AccessibleDevice {
        guard let device = try DeviceStore.accessible(id: id, in: database),
              try principal.userID == device.userID || principal.isAdmin(of: device.organizationID)
        else { throw notFound }
        return device
    }

    /// The device named by an action's `deviceId`, when the caller may act on it (else 404).
    static func load(id: String, for call: ActionCall) throws -> AccessibleDevice {
        try load(id: id.lowercased(), for: call.caller, database: call.database)
    }

    public static let notFound = APIError.notFound("Device not found")

    /// The hostname Tailscale gives a machine with this device name: lower case, spaces as hyphens.
    public static func expectedHostname(forName name: String) -> String {
        String(name.lowercased().map { $0 == " " ? "-" : $0 })
    }
}
