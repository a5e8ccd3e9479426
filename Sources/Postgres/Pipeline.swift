import CPostgres

/// One statement and its parameters, to run in a transaction of its own.
public struct Statement {
    public let sql: String
    public let parameters: [PostgresBindable?]

    public init(_ sql: String, _ parameters: [PostgresBindable?] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

extension DatabaseConnection {
    /// Sends every statement before reading the first answer (libpq's pipeline mode, with a
    /// Sync after each statement, so that each runs in its own transaction and a failing one
    /// fails alone), then hands each answer to `answer` as it arrives, in order.
    ///
    /// The server reads the statements together and answers them back to back: measured with
    /// eight connections on this project's machines, four statements per pipeline cost the
    /// server about a quarter less CPU each than four round trips.
    ///
    /// Returns nil once every statement was answered. Returns the error, having answered none,
    /// when the connection was lost before the first answer: then, as for a body's first
    /// statement (`Database.withConnection`), nothing can have been committed and the caller
    /// may send them all again on a fresh connection. A connection lost later answers the rest
    /// with that error. After any loss the connection is closed: its pipeline state is unknown.
    func pipeline(_ statements: [Statement], answer: (Int, Result<QueryResult, DatabaseError>) -> Void) -> DatabaseError? {
        var answered = 0
        func lost(_ error: DatabaseError) -> DatabaseError? {
            close()
            guard answered > 0 else { return error }
            while answered < statements.count {
                answer(answered, .failure(error))
                answered += 1
            }
            return nil
        }
        guard let connection = liveConnection() else {
            return lost(DatabaseError(kind: .unavailable, message: "not connected to the database"))
        }
        // Prepared first, one round trip each, only the first time a connection sees a statement.
        // One the server refuses to prepare (a bug in the service) fails alone and is not sent.
        var names: [Result<String, DatabaseError>] = []
        for statement in statements {
            let name = Result { () throws(DatabaseError) in try preparedStatement(for: statement.sql, on: connection) }
            if case .failure(let error) = name, error.kind == .unavailable { return lost(error) }
            names.append(name)
        }
        countStatementsSent(statements.count)
        guard PQenterPipelineMode(connection) == 1 else { return lost(LibpqResult.error(from: nil, connection: connection)) }
        for (statement, name) in zip(statements, names) {
            guard case .success(let name) = name else { continue }
            let texts = statement.parameters.map { $0?.postgresText }
            let sent = withCStrings(texts) { values in
                PQsendQueryPrepared(connection, name, Int32(values.count), values, nil, nil, 0)
            }
            guard sent == 1, PQpipelineSync(connection) == 1 else { return lost(LibpqResult.error(from: nil, connection: connection)) }
        }
        while answered < statements.count {
            if case .failure(let refused) = names[answered] {
                answer(answered, .failure(refused))
                answered += 1
                continue
            }
            // Each statement yields its result, then nil (its end), then the Sync's marker.
            guard let result = PQgetResult(connection) else { return lost(LibpqResult.error(from: nil, connection: connection)) }
            let outcome = Result { () throws(DatabaseError) in try LibpqResult.consume(result, from: connection) }
            if case .failure(let error) = outcome, error.kind == .unavailable { return lost(error) }
            let end = PQgetResult(connection)
            let sync = end == nil ? PQgetResult(connection) : nil
            let synced = sync.map { PQresultStatus($0) == PGRES_PIPELINE_SYNC } ?? false
            end.map(PQclear)
            sync.map(PQclear)
            guard synced else { return lost(DatabaseError(kind: .unavailable, message: "unexpected answer in a pipeline")) }
            answer(answered, outcome)
            answered += 1
        }
        if PQexitPipelineMode(connection) != 1 { close() }
        return nil
    }
}
