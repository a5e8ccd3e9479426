import CPostgres
import OperatingSystem

/// Turns a libpq `PGresult` into values, always clearing it: no caller has to remember PQclear.
enum LibpqResult {
    /// Consumes `result` (which may be nil when libpq could not even build one) from `connection`.
    static func consume(_ result: OpaquePointer?, from connection: OpaquePointer) throws(DatabaseError) -> QueryResult {
        guard let result else {
            throw error(from: nil, connection: connection)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(rows: rows(of: result), affectedRows: affectedRows(of: result))
        default:
            throw error(from: result, connection: connection)
        }
    }

    /// Classifies a failed result. When the connection itself went bad the SQLSTATE does not
    /// matter (often there is none): the caller can only try again on a new connection.
    ///
    /// Only the server's primary message is kept, never the whole error text: its DETAIL line
    /// quotes row values ("Key (fingerprint)=(...) already exists", the failing row of a check
    /// constraint), and errors end up in logs.
    static func error(from result: OpaquePointer?, connection: OpaquePointer) -> DatabaseError {
        let sqlState = result.flatMap { field(DiagnosticField.sqlState, of: $0) }
        let constraint = result.flatMap { field(DiagnosticField.constraintName, of: $0) }
        let primary = result.flatMap { field(DiagnosticField.primaryMessage, of: $0) }
        let message = primary ?? clientMessage(connection)
        let kind: DatabaseError.Kind = PQstatus(connection) == CONNECTION_OK ? .init(sqlState: sqlState) : .unavailable
        return DatabaseError(kind: kind, sqlState: sqlState, constraint: constraint,
                             message: DatabaseError.loggableMessage(message.trimmed(.whitespace), sqlState: sqlState))
    }

    /// libpq's own text (a lost connection, a failed connect), without any server detail lines.
    static func clientMessage(_ connection: OpaquePointer) -> String {
        let text = String(cString: PQerrorMessage(connection))
        let detailLabels = ["DETAIL:", "HINT:", "CONTEXT:", "QUERY:", "STATEMENT:", "WHERE:"]
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !detailLabels.contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
    }

    private static func rows(of result: OpaquePointer) -> [ResultRow] {
        let columnCount = PQnfields(result)
        var columnIndex: [String: Int] = [:]
        columnIndex.reserveCapacity(Int(columnCount))
        for column in 0..<columnCount {
            let name = String(cString: PQfname(result, column))
            // With duplicate names (`SELECT a.id, b.id`) the first one wins, as in most drivers.
            if columnIndex[name] == nil { columnIndex[name] = Int(column) }
        }
        return (0..<PQntuples(result)).map { row in
            let values: [String?] = (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
            return ResultRow(columnIndex: columnIndex, values: values)
        }
    }

    private static func affectedRows(of result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private static func field(_ code: Int32, of result: OpaquePointer) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
}

/// The `PG_DIAG_*` codes from postgres_ext.h; they are character macros, which Swift does not import.
private enum DiagnosticField {
    static let sqlState = Int32(UInt8(ascii: "C"))
    static let constraintName = Int32(UInt8(ascii: "n"))
    static let primaryMessage = Int32(UInt8(ascii: "M"))
}
