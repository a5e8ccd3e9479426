/// A failure talking to PostgreSQL, classified by what the caller should do about it.
///
/// `message` is the server's primary message (or libpq's own text), never its DETAIL: it may
/// name tables, columns and constraints, so it belongs in logs only and never in a response
/// body, but it holds no row values (see `loggableMessage`).
public struct DatabaseError: Error, Equatable, CustomStringConvertible {
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
    /// Server message without values; for logs only, never sent to clients.
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, constraint: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.constraint = constraint
        self.message = message
    }

    public var description: String {
        var text = "DatabaseError(\(kind)"
        if let sqlState { text += ", sqlstate \(sqlState)" }
        if let constraint { text += ", constraint \(constraint)" }
        return text + "): \(message)"
    }
}

extension DatabaseError {
    /// SQLSTATE classes whose primary message itself quotes what was sent: data exceptions
    /// (22: `invalid input syntax for type uuid: "..."`, `value "..." is out of range`) and
    /// PL/pgSQL's RAISE (P0: a trigger's own text, which may carry anything).
    static let valueQuotingClasses: Set<Substring> = ["22", "P0"]

    /// The primary message, or for the classes above a fixed text naming the SQLSTATE only.
    static func loggableMessage(_ primary: String, sqlState: String?) -> String {
        guard let sqlState, valueQuotingClasses.contains(sqlState.prefix(2)) else { return primary }
        return "message withheld (SQLSTATE \(sqlState) can quote values)"
    }
}

extension DatabaseError.Kind {
    /// Classifies a SQLSTATE. Lost-connection states (class 08, admin shutdown, crash shutdown,
    /// cannot connect now) all mean the same to a caller: try again later. So does an error
    /// without one: the server sends a SQLSTATE with every error, so a failure without it is
    /// libpq's own, and on a query that means the connection broke ("server closed the
    /// connection unexpectedly" after `pg_ctl stop -m immediate`, while libpq may still report
    /// the connection as good).
    init(sqlState: String?) {
        guard let sqlState else {
            self = .unavailable
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
