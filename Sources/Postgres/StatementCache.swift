/// Names of the statements prepared on one connection, found without hashing their SQL.
///
/// Every statement the service runs is a `static let` (or built once into one), so a call
/// passes the very same string storage each time. The cache looks a statement up by the
/// address and length of that storage (an integer key) and confirms it with `==`, which for
/// the same storage is an identity check, not a byte comparison. Text that lives elsewhere (a
/// string built per call, or one short enough to be stored inline) is found by its text.
struct StatementCache {
    private var byStorage: [StorageKey: (sql: String, name: String)] = [:]
    private var byText: [String: String] = [:]

    var count: Int { byText.count }

    func name(for sql: String) -> String? {
        if let key = StorageKey(sql), let entry = byStorage[key], entry.sql == sql { return entry.name }
        return byText[sql]
    }

    mutating func insert(_ name: String, for sql: String) {
        byText[sql] = name
        if let key = StorageKey(sql) { byStorage[key] = (sql, name) }
    }

    mutating func removeAll() {
        byStorage.removeAll()
        byText.removeAll()
    }

    /// Where a string's UTF-8 bytes are stored, when they are stored contiguously outside the
    /// string value itself.
    private struct StorageKey: Hashable {
        let address: UInt
        let count: Int

        init?(_ sql: String) {
            guard sql.utf8.count > 15,  // shorter strings are stored inline: no stable address
                  let address = sql.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) })
            else { return nil }
            self.address = address
            self.count = sql.utf8.count
        }
    }
}
