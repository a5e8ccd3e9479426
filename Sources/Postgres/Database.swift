import OperatingSystem

/// The request path's database: owns one connection, connects lazily, reconnects after loss.
///
/// A worker serves one request at a time, so one connection per process is the whole pool.
public final class Database {
    /// A dead server is retried at most this often; requests in between fail fast with
    /// `.unavailable` instead of each paying for a connection attempt.
    private static let reconnectIntervalSeconds = 0.25

    private let connection: PostgresConnection
    private var lastFailedConnect: Double?

    public init(conninfo: String, statementTimeoutMilliseconds: Int, connectTimeoutSeconds: Int) {
        let settings = PostgresConnectionSettings(
            statementTimeoutMilliseconds: statementTimeoutMilliseconds,
            connectTimeoutSeconds: connectTimeoutSeconds
        )
        connection = PostgresConnection(conninfo: conninfo, settings: settings)
    }

    /// Runs `body` on a live connection, (re)connecting first when needed; throws
    /// `.unavailable` quickly when the server cannot be reached.
    ///
    /// When the connection turns out to be lost on the first statement of `body` (typically
    /// the server restarted between requests), nothing can have been committed, so `body` runs
    /// once more on a fresh connection. A loss later in `body` is thrown as `.unavailable`.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try connectIfNeeded()
        let statementsBefore = connection.statementsSent
        do {
            return try body(connection)
        } catch let error as PostgresError where error.kind == .unavailable {
            guard connection.statementsSent == statementsBefore + 1 else { throw error }
            try reconnect()
            return try body(connection)
        }
    }

    /// A cheap liveness check for /ready.
    public func ping() -> Bool {
        (try? withConnection { connection in try connection.execute("SELECT 1") }) != nil
    }

    private func connectIfNeeded() throws(PostgresError) {
        guard !connection.isConnected else { return }
        if let lastFailedConnect, MonotonicClock.seconds() - lastFailedConnect < Self.reconnectIntervalSeconds {
            throw PostgresError(kind: .unavailable, message: "database unreachable (last connection attempt failed just now)")
        }
        try reconnect()
    }

    private func reconnect() throws(PostgresError) {
        do {
            try connection.connect()
            lastFailedConnect = nil
        } catch {
            lastFailedConnect = MonotonicClock.seconds()
            throw error
        }
    }
}
