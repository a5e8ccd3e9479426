/// Lends `strings` to a C call as an array of C string pointers (nil stays a NULL pointer),
/// valid exactly for the duration of `body`.
///
/// Each string lends its own UTF-8 storage (`withCString`), which a native Swift string holds
/// NUL-terminated already: nothing is copied. A copy per parameter would double what a sync
/// holds while it sends the tailnet's device list (about 1 MB per thousand nodes) to PostgreSQL.
func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(strings.count)
    func lend(from index: Int) -> Result {
        guard index < strings.count else { return body(pointers) }
        guard let string = strings[index] else {
            pointers.append(nil)
            return lend(from: index + 1)
        }
        return string.withCString { pointer in
            pointers.append(pointer)
            return lend(from: index + 1)
        }
    }
    return lend(from: 0)
}
