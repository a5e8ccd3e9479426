import Glibc

/// Lends `strings` to a C call as an array of C string pointers (nil stays a NULL pointer),
/// keeping the copies alive exactly for the duration of `body`.
func withCStrings<Result, Failure: Error>(
    _ strings: [String?],
    _ body: ([UnsafePointer<CChar>?]) throws(Failure) -> Result
) throws(Failure) -> Result {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in string.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { UnsafePointer($0) })
}
