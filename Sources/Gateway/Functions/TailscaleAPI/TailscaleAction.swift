import JSON
import Postgres
import Tailscale

/// One action of `/functions/v1/tailscale-api`.
protocol TailscaleAction {
    /// The `action` value the portal sends.
    static var name: String { get }
    /// Whether a bare `anon` key may call it (only check-device: the portal calls it signed out).
    static var acceptsAnonymousKey: Bool { get }
    init(_ call: TailscaleCall)
    func run() throws -> JSONValue
}

extension TailscaleAction {
    static var acceptsAnonymousKey: Bool { false }
}

/// What every action gets: the request and the verified caller.
struct TailscaleCall: ActionCall {
    let request: APIRequest
    let services: Services
    let caller: Principal

    /// A non-empty string field of the body; nil when absent, null, empty or not a string.
    func text(_ name: String) -> String? {
        guard let value = request.string(name), !value.isEmpty else { return nil }
        return value
    }

    /// The device named by `deviceId`, when the caller may act on it (else 404).
    func accessibleDevice(_ id: String) throws -> AccessibleDevice {
        try AccessibleDevice.load(id: id.lowercased(), for: caller, database: database)
    }

    func inventorySync() -> InventorySync {
        InventorySync(offlineAfterSeconds: settings.monitor.offlineAfterSeconds)
    }

    func nodeLookup() -> NodeLookup {
        NodeLookup(database: database, maxAgeSeconds: settings.monitor.inventoryMaxAgeSeconds)
    }
}
