/// One row of a result, values in text format.
///
/// Rows of one result share a single column-name index (copy-on-write), so a row costs only
/// its values.
public struct ResultRow {
    let columnIndex: [String: Int]
    let values: [String?]

    /// The column's text value; nil for NULL or for a column the result does not have.
    public subscript(_ column: String) -> String? {
        guard let index = columnIndex[column] else { return nil }
        return values[index]
    }

    /// The column's text value, nil for NULL. Unlike the subscript, a column the result does
    /// not have throws: a misspelt alias is a bug to surface, not a NULL to default.
    public func value(_ column: String) throws(ResultRowError) -> String? {
        guard let index = columnIndex[column] else { throw .missingColumn(column) }
        return values[index]
    }

    /// The column's value, which must not be NULL.
    public func required(_ column: String) throws(ResultRowError) -> String {
        guard let value = try value(column) else { throw .null(column) }
        return value
    }

    /// A boolean column that must not be NULL.
    public func requiredBool(_ column: String) throws(ResultRowError) -> Bool {
        switch try required(column) {
        case "t": return true
        case "f": return false
        default: throw .notOfType(column)
        }
    }

    /// An integer column that must not be NULL.
    public func requiredInt(_ column: String) throws(ResultRowError) -> Int {
        guard let value = Int(try required(column)) else { throw .notOfType(column) }
        return value
    }

    public func int(_ column: String) -> Int? {
        self[column].flatMap { Int($0) }
    }

    /// Booleans come back as `t` / `f` in text format.
    public func bool(_ column: String) -> Bool? {
        switch self[column] {
        case "t": true
        case "f": false
        default: nil
        }
    }
}

/// A row that does not have what its statement promised.
public enum ResultRowError: Error, Equatable {
    case missingColumn(String)
    case null(String)
    case notOfType(String)
}

public struct QueryResult {
    public let rows: [ResultRow]
    /// What the command tag reports (rows inserted, updated, deleted, selected).
    public let affectedRows: Int

    public var first: ResultRow? { rows.first }
}
