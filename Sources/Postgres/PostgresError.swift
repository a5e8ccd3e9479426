/// A failure talking to PostgreSQL, classified by what the caller should do about it.
///
/// `message` is the server's (or libpq's) text: it may quote SQL or values, so it belongs in
/// logs only and never in a response body.
public struct PostgresError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Cannot connect, or the connection was lost: the caller answers 503.
        case unavailable
        /// The server refused the statement.
        case queryFailed
        /// `statement_timeout` fired (SQLSTATE 57014).
        case timeout
        /// A unique constraint fired (23505); `constraint` names it.
        case uniqueViolation
        /// 40001 or 40P01 (deadlock): the whole transaction may be retried.
        case serializationFailure
    }

    public let kind: Kind
    public let sqlState: String?
    /// PG_DIAG_CONSTRAINT_NAME, to tell which unique index fired.
    public let constraint: String?
    /// Server message; for logs only, never sent to clients.
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, constraint: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.message = message
    }

    public var description: String {
        var text = "PostgresError(\(kind)"
        if let sqlState { text += ", sqlstate \(sqlState)" }
        if let constraint { text += ", constraint \(constraint)" }
        return text + "): \(message)"
    }
}

extension PostgresError.Kind {
    /// Classifies a SQLSTATE. Lost-connection states (class 08, admin shutdown, crash shutdown,
    /// cannot connect now) all mean the same to a caller: try again later.
    init(sqlState: String?) {
        guard let sqlState else {
            self = .queryFailed
            return
        }
        switch sqlState {
        case "57014": self = .timeout
        case "23505": self = .uniqueViolation
        case "40001", "40P01": self = .serializationFailure
        case "57P01", "57P02", "57P03": self = .unavailable
        case _ where sqlState.hasPrefix("08"): self = .unavailable
        default: self = .queryFailed
        }
    }
}
