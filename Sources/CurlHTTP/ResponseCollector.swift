import OperatingSystem

/// Accumulates what libcurl's write and header callbacks deliver during one `curl_easy_perform`.
/// A class because libcurl holds it through an opaque pointer for the duration of the call.
final class ResponseCollector {
    private let maximumBodyBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    /// Set when the body limit stopped the transfer, to tell that apart from a network error.
    private(set) var exceededLimit = false

    init(maximumBodyBytes: Int) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Returns the number of bytes taken; anything else makes libcurl abort with CURLE_WRITE_ERROR.
    func appendBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= maximumBodyBytes else {
            exceededLimit = true
            return 0
        }
        if body.isEmpty, let announced = headers["content-length"].flatMap({ Int($0) }),
           (0...maximumBodyBytes).contains(announced) {
            // Growing by doubling would leave up to twice a large body's size allocated (a
            // device list of 10,000 nodes is 8.5 MB) while it is read and checked.
            body.reserveCapacity(announced)
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// libcurl delivers one complete header line per call, status lines included.
    func appendHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // A new status line (after "100 Continue", say) starts a new header block.
            headers.removeAll()
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmed(.whitespace)
            if let existing = headers[name] {
                headers[name] = existing + ", " + value
            } else {
                headers[name] = value
            }
        }
        return line.count
    }
}
