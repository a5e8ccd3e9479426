import CCurl

/// The request headers as the `curl_slist` libcurl wants; call `free()` after the transfer.
struct HeaderList {
    let pointer: UnsafeMutablePointer<curl_slist>?

    init(_ headers: [(String, String)]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // libcurl sends "Expect: 100-continue" for larger POSTs, costing a round trip; an empty
        // value suppresses it.
        for (name, value) in headers + [("Expect", "")] {
            guard Self.isValid(name, value) else {
                curl_slist_free_all(list)
                throw .invalidRequest("invalid header field")
            }
            let line = value.isEmpty ? "\(name):" : "\(name): \(value)"
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .invalidRequest("out of memory building headers")
            }
            list = appended
        }
        pointer = list
    }

    func free() {
        curl_slist_free_all(pointer)
    }

    /// No CR/LF (header injection) and a non-empty token name.
    private static func isValid(_ name: String, _ value: String) -> Bool {
        let forbidden: Set<UInt8> = [10, 13, 0]
        return !name.isEmpty
            && !name.utf8.contains { forbidden.contains($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: " ") }
            && !value.utf8.contains { forbidden.contains($0) }
    }
}
