import Metrics
import OperatingSystem

/// The request path's database: a small bounded pool of connections (`ConnectionPool`) shared
/// by the process's request threads; each connects lazily and reconnects after loss.
public final class Database: @unchecked Sendable {
    /// A dead server is retried at most this often; requests in between fail fast with
    /// `.unavailable` instead of each paying for a connection attempt.
    private static let reconnectIntervalSeconds = 0.25

    /// Internal for the tests (`PipelinedQueryTests` count what the pool pipelined).
    let pool: ConnectionPool
    private let failureLock = Lock()
    private var lastFailedConnect: Double?

    /// - Parameter poolSize: connections this process may open (opened on first need).
    public init(conninfo: String, statementTimeoutMilliseconds: Int, connectTimeoutSeconds: Int, poolSize: Int = 1) {
        let settings = DatabaseConnectionSettings(
            statementTimeoutMilliseconds: statementTimeoutMilliseconds,
            connectTimeoutSeconds: connectTimeoutSeconds
        )
        // A thread waits for a free connection about as long as one statement may run.
        pool = ConnectionPool(size: poolSize, waitSeconds: Double(statementTimeoutMilliseconds) / 1000) {
            DatabaseConnection(conninfo: conninfo, settings: settings)
        }
    }

    /// Runs `body` on a live connection, (re)connecting first when needed; throws
    /// `.unavailable` quickly when the server cannot be reached. A body that opens
    /// `withConnection` again, on the same thread, gets the same connection.
    ///
    /// When the connection turns out to be lost on the first statement of `body` (typically
    /// the server restarted between requests), nothing can have been committed, so `body` runs
    /// once more on a fresh connection. A loss later in `body` is thrown as `.unavailable`.
    ///
    /// - Parameter closingAfterwards: close the connection when `body` is done (the next user
    ///   of its pool slot connects anew), for a body that sends a bulk statement: libpq keeps a
    ///   connection's buffers at the largest size it ever needed. Ignored when nested: the
    ///   outermost caller's connection stays open for it.
    @discardableResult
    public func withConnection<T>(closingAfterwards: Bool = false, _ body: (DatabaseConnection) throws -> T) throws -> T {
        let (connection, outermost) = try counted { () throws(DatabaseError) in try pool.acquire() }
        defer { pool.release() }
        guard outermost else { return try body(connection) }
        defer { if closingAfterwards { connection.close() } }
        return try counted { try withLiveConnection(connection, body) }
    }

    /// Runs one statement in a transaction of its own and returns its answer.
    ///
    /// When every connection is busy, the statement waits in line with the threads waiting for
    /// a connection; the next of them handed a connection for a statement sends it, together
    /// with every statement queued by then, in one pipeline (`ConnectionPool`,
    /// `DatabaseConnection.pipeline`). Inside a `withConnection` body it runs on that body's
    /// connection, in its transaction.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBindable?] = []) throws -> QueryResult {
        let statement = Statement(sql, parameters)
        switch try counted({ () throws(DatabaseError) in try pool.acquire(for: statement) }) {
        case .nested(let connection):
            defer { pool.release() }
            return try connection.query(sql, parameters)
        case .answered(let outcome):
            return try counted { () throws(DatabaseError) in try outcome.get() }
        case .connection(let connection, let queued) where queued.isEmpty:
            defer { pool.release() }
            return try counted { try withLiveConnection(connection) { connection in try connection.query(sql, parameters) } }
        case .connection(let connection, let queued):
            defer { pool.release() }
            var own: Result<QueryResult, DatabaseError>?
            let statements = [statement] + queued.map(\.statement)
            func answer(_ index: Int, _ outcome: Result<QueryResult, DatabaseError>) {
                if index == 0 { own = outcome } else { pool.answer(queued[index - 1], with: outcome) }
            }
            runPipeline(statements, on: connection, answer: answer)
            return try counted { () throws(DatabaseError) in try own!.get() }
        }
    }

    /// Answers every statement, whatever happens to the connection.
    private func runPipeline(_ statements: [Statement], on connection: DatabaseConnection,
                             answer: (Int, Result<QueryResult, DatabaseError>) -> Void) {
        func fail(_ error: DatabaseError) {
            for index in statements.indices { answer(index, .failure(error)) }
        }
        do {
            try connectIfNeeded(connection)
            guard connection.pipeline(statements, answer: answer) != nil else { return }
            // Lost before the first answer (a connection the server dropped while idle):
            // nothing was committed, so the pipeline runs once more on a fresh connection.
            try reconnect(connection)
            if let lostAgain = connection.pipeline(statements, answer: answer) { fail(lostAgain) }
        } catch {
            fail(error)
        }
    }

    /// Counts what the outermost `withConnection` throws (a nested one's error passes through it).
    private func counted<T, E: Error>(_ work: () throws(E) -> T) throws(E) -> T {
        do {
            return try work()
        } catch {
            if let failure = error as? DatabaseError { Metrics.databaseError(kind: String(describing: failure.kind)) }
            throw error
        }
    }

    private func withLiveConnection<T>(_ connection: DatabaseConnection, _ body: (DatabaseConnection) throws -> T) throws -> T {
        try connectIfNeeded(connection)
        let statementsBefore = connection.statementsSent
        do {
            return try body(connection)
        } catch let error as DatabaseError where error.kind == .unavailable {
            guard connection.statementsSent == statementsBefore + 1 else { throw error }
            try reconnect(connection)
            return try body(connection)
        }
    }

    /// A cheap liveness check for /ready.
    public func ping() -> Bool {
        (try? withConnection { connection in try connection.execute("SELECT 1") }) != nil
    }

    private func connectIfNeeded(_ connection: DatabaseConnection) throws(DatabaseError) {
        guard !connection.isConnected else { return }
        let failedJustNow = failureLock.withLock {
            lastFailedConnect.map { MonotonicClock.seconds() - $0 < Self.reconnectIntervalSeconds } ?? false
        }
        if failedJustNow {
            throw DatabaseError(kind: .unavailable, message: "database unreachable (last connection attempt failed just now)")
        }
        try reconnect(connection)
    }

    private func reconnect(_ connection: DatabaseConnection) throws(DatabaseError) {
        do {
            try connection.connect()
            Metrics.databaseConnect(succeeded: true)
            failureLock.withLock { lastFailedConnect = nil }
        } catch {
            Metrics.databaseConnect(succeeded: false)
            failureLock.withLock { lastFailedConnect = MonotonicClock.seconds() }
            throw error
        }
    }
}
