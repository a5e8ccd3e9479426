/// A device's `status` (the database contract's five values), compared in Swift and written
/// into SQL from here only.
public enum DeviceStatus: String, Sendable, CaseIterable {
    case pending, active, offline, inactive, revoked

    /// The SQL literal, for statements that name a status.
    public var sql: String { "'\(rawValue)'" }

    /// An admin's decision that nothing seen on the tailnet undoes: linking, silent enrollment
    /// and the monitor leave such a device as it is.
    public var isRetired: Bool { self == .revoked || self == .inactive }

    /// `(…)` of the retired statuses, for `status NOT IN …`.
    static let retiredSQL = "(" + allCases.filter(\.isRetired).map(\.sql).joined(separator: ", ") + ")"

    /// The status in a row; a value outside the contract is a data error, not a status.
    static func parse(_ text: String?) throws -> DeviceStatus {
        guard let text, let status = DeviceStatus(rawValue: text) else { throw StoreError.unexpectedValue(column: "status") }
        return status
    }
}

/// A device's `trust_level`: `low` while pending, `medium` after silent enrollment (no
/// Tailscale proof), `high` once seen on the tailnet with its enrollment.
public enum TrustLevel: String, Sendable {
    case low, medium, high

    public var sql: String { "'\(rawValue)'" }
}

/// A row that does not read as the database contract says.
public enum StoreError: Error, Equatable {
    case unexpectedValue(column: String)
}
