/// One row of a result, values in text format.
///
/// Rows of one result share a single column-name index (copy-on-write), so a row costs only
/// its values.
public struct PostgresRow {
    let columnIndex: [String: Int]
    let values: [String?]

    /// The column's text value; nil for NULL or for a column the result does not have.
    public subscript(_ column: String) -> String? {
        guard let index = columnIndex[column] else { return nil }
        return values[index]
    }

    public func string(_ column: String) -> String? {
        self[column]
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

public struct PostgresResult {
    public let rows: [PostgresRow]
    /// What the command tag reports (rows inserted, updated, deleted, selected).
    public let affectedRows: Int

    public var first: PostgresRow? { rows.first }
}
