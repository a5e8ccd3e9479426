import JSON

/// One action of `/functions/v1/tailscale-api`.
protocol TailscaleAction {
    /// The `action` value the portal sends.
    static var name: String { get }
    /// Whether a bare `anon` key may call it (only check-device: the portal calls it signed out).
    static var acceptsAnonymousKey: Bool { get }
    static func run(_ call: ActionCall) throws -> JSONValue
}

extension TailscaleAction {
    static var acceptsAnonymousKey: Bool { false }
}
