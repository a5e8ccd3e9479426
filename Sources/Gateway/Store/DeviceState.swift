import Postgres

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

/// What a store reports about the data, for the action to turn into the contract's answer.
public enum StoreError: Error, Equatable {
    /// A row that does not read as the database contract says.
    case unexpectedValue(column: String)
    /// A statement that always answers one row answered none.
    case missingRow
    /// Another device holds the fingerprint already (`devices.fingerprint` is unique).
    case fingerprintTaken
    /// A row names another that does not exist (a foreign key).
    case missingReference
    /// No device has the id a statement names.
    case deviceNotFound

    /// The one row of a statement that always answers one (an aggregate, `RETURNING` of a
    /// single-row INSERT).
    static func onlyRow(of result: QueryResult) throws(StoreError) -> ResultRow {
        guard let row = result.first else { throw .missingRow }
        return row
    }
}
