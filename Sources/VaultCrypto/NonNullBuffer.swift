extension Array where Element == UInt8 {
    /// Like `withUnsafeBufferPointer`, but an empty array still yields a non-nil base address:
    /// several libcrypto entry points treat a NULL pointer as "no input" or as an error even
    /// when the length is zero.
    func withNonNullBufferPointer<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if isEmpty {
            var placeholder: UInt8 = 0
            return withUnsafePointer(to: &placeholder) { body(UnsafeBufferPointer(start: $0, count: 0)) }
        }
        return withUnsafeBufferPointer(body)
    }
}
