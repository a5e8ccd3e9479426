import CPostgres
import OperatingSystem

/// One libpq connection, used from one thread: blocking calls, text-format parameters,
/// statements prepared once per connection.
public final class DatabaseConnection {
    private let conninfo: String
    private let settings: DatabaseConnectionSettings
    private var handle: OpaquePointer?
    /// Server-side statement names, found by where the SQL text is stored (see `StatementCache`).
    /// Statements live as long as the session, so a reconnect starts an empty cache.
    private var preparedStatements = StatementCache()
    /// Counts statements sent; `Database` compares it around a body to learn whether a lost
    /// connection failed the body's first statement (then nothing can have been committed).
    private(set) var statementsSent = 0

    /// Does not connect yet.
    public init(conninfo: String, settings: DatabaseConnectionSettings = DatabaseConnectionSettings()) {
        self.conninfo = conninfo
        self.settings = settings
    }

    deinit {
        close()
    }

    public var isConnected: Bool {
        liveConnection() != nil
    }

    /// The session's socket, for `poll` when waiting on notifications; -1 when not connected.
    public var socketDescriptor: Int32 {
        handle.map { PQsocket($0) } ?? -1
    }

    /// Opens a new session, closing any previous one.
    public func connect() throws(DatabaseError) {
        close()
        let parameters = try settings.connectionParameters(conninfo: conninfo).pairs
        let keywords = parameters.map { Optional($0.keyword) } + [nil]
        let values = parameters.map { Optional($0.value) } + [nil]
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectdbParams(keywords, values, 0) }
        }
        guard let connection else {
            throw DatabaseError(kind: .unavailable, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = LibpqResult.clientMessage(connection).trimmed(.whitespace)
            PQfinish(connection)
            throw DatabaseError(kind: .unavailable, message: message)
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        preparedStatements.removeAll()
    }

    /// Runs `sql` with `$1...$n` bound as text parameters through a prepared statement,
    /// prepared once per connection per distinct SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBindable?] = []) throws(DatabaseError) -> QueryResult {
        let connection = try liveHandle()
        statementsSent += 1
        let statementName = try preparedStatement(for: sql, on: connection)
        let texts = parameters.map { $0?.postgresText }
        let result = withCStrings(texts) { values in
            PQexecPrepared(connection, statementName, Int32(values.count), values, nil, nil, 0)
        }
        return try LibpqResult.consume(result, from: connection)
    }

    /// Simple-protocol execution without parameters: BEGIN/COMMIT, LISTEN, DDL scripts with
    /// several statements.
    public func execute(_ sql: String) throws(DatabaseError) {
        _ = try executeReturningTag(sql)
    }

    /// Runs `body` between BEGIN and COMMIT; any error rolls back and is rethrown.
    @discardableResult
    public func transaction<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isConnected { try? execute("ROLLBACK") }
            throw error
        }
        // COMMIT of a transaction that already failed (the body swallowed the error) answers
        // with a ROLLBACK tag and no error; a caller must not take that for success.
        guard try executeReturningTag("COMMIT") == "COMMIT" else {
            throw DatabaseError(kind: .queryFailed, message: "transaction was aborted by an earlier error and rolled back")
        }
        return value
    }

    /// Drains the notifications (LISTEN/NOTIFY) that arrived so far, without blocking.
    public func notifications() throws(DatabaseError) -> [(channel: String, payload: String)] {
        let connection = try liveHandle()
        guard PQconsumeInput(connection) == 1 else {
            throw LibpqResult.error(from: nil, connection: connection)
        }
        var received: [(channel: String, payload: String)] = []
        while let notification = PQnotifies(connection) {
            received.append((String(cString: notification.pointee.relname), String(cString: notification.pointee.extra)))
            PQfreemem(notification)
        }
        return received
    }

    private func executeReturningTag(_ sql: String) throws(DatabaseError) -> String {
        let connection = try liveHandle()
        statementsSent += 1
        guard let result = PQexec(connection, sql) else {
            throw LibpqResult.error(from: nil, connection: connection)
        }
        let tag = String(cString: PQcmdStatus(result))
        _ = try LibpqResult.consume(result, from: connection)
        return tag
    }

    /// Used by `pipeline` too (Pipeline.swift).
    func preparedStatement(for sql: String, on connection: OpaquePointer) throws(DatabaseError) -> String {
        if let name = preparedStatements.name(for: sql) { return name }
        let name = "s\(preparedStatements.count + 1)"
        _ = try LibpqResult.consume(PQprepare(connection, name, sql, 0, nil), from: connection)
        preparedStatements.insert(name, for: sql)
        return name
    }

    private func liveHandle() throws(DatabaseError) -> OpaquePointer {
        guard let handle = liveConnection() else {
            throw DatabaseError(kind: .unavailable, message: "not connected to the database")
        }
        return handle
    }

    /// The libpq handle while its session is up; nil before `connect`, after `close`, or once
    /// libpq saw the connection fail.
    func liveConnection() -> OpaquePointer? {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return nil }
        return handle
    }

    func countStatementsSent(_ count: Int) {
        statementsSent += count
    }
}
