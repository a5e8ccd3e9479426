/// One request as nginx handed it over: the CGI parameters and the body read to EOF.
public struct FastCGIRequest: Sendable {
    /// The CGI parameters the service reads (see `FastCGIWorker.keptParameters`) and every
    /// `HTTP_*` header.
    public let parameters: [String: String]
    /// The body, at most `maxBodyBytes` long; see `bodyExceededLimit`.
    public let body: [UInt8]
    /// True when the client sent more than the limit (the rest was read and discarded).
    public let bodyExceededLimit: Bool
    /// The request thread serving it, from 0: what a responder keeps per thread (the access
    /// log's batches) is found by it.
    public let thread: Int

    public init(parameters: [String: String], body: [UInt8], bodyExceededLimit: Bool = false, thread: Int = 0) {
        self.parameters = parameters
        self.body = body
        self.bodyExceededLimit = bodyExceededLimit
        self.thread = thread
    }

    public var method: String { parameters["REQUEST_METHOD"] ?? "GET" }

    /// The path without the query string, as nginx normalised it.
    public var path: String {
        if let uri = parameters["DOCUMENT_URI"], !uri.isEmpty { return uri }
        let raw = parameters["REQUEST_URI"] ?? parameters["SCRIPT_NAME"] ?? "/"
        return String(raw.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/")
    }

    public var queryString: String { parameters["QUERY_STRING"] ?? "" }

    /// An HTTP request header by its name (case-insensitive), e.g. `header("Authorization")`.
    public func header(_ name: String) -> String? {
        // CGI's spelling: HTTP_ + the name upper-cased with dashes as underscores.
        var key: [UInt8] = Array("HTTP_".utf8)
        key.reserveCapacity(5 + name.utf8.count)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "-"): key.append(UInt8(ascii: "_"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): key.append(byte - 32)
            default: key.append(byte)
            }
        }
        let cgiName = String(decoding: key, as: UTF8.self)
        if let value = parameters[cgiName] { return value }
        // CGI passes these two without the HTTP_ prefix.
        switch cgiName {
        case "HTTP_CONTENT_TYPE": return parameters["CONTENT_TYPE"]
        case "HTTP_CONTENT_LENGTH": return parameters["CONTENT_LENGTH"]
        default: return nil
        }
    }
}

/// What a responder answers: `Status` (added by the writer), then the pre-rendered `prelude`,
/// then `headers` in order, then the body.
public struct FastCGIResponse: Sendable {
    public var status: Int
    /// Headers every answer carries, rendered once (see `HeaderBlock`).
    public var prelude: HeaderBlock
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, prelude: HeaderBlock = HeaderBlock([]), headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.prelude = prelude
        self.headers = headers
        self.body = body
    }

    /// Every header, the prelude's included (for tests and diagnostics).
    public var allHeaders: [(String, String)] { prelude.headers + headers }
}

/// Header lines rendered to bytes once, for headers that are the same on every answer: writing
/// them is then one copy instead of formatting and checking each line per request. A header
/// whose name or value holds a line break (it could inject headers) is left out.
public struct HeaderBlock: Sendable {
    public let headers: [(String, String)]
    let bytes: [UInt8]

    public init(_ headers: [(String, String)]) {
        self.headers = headers.filter { HeaderBlock.isSafe($0.0) && HeaderBlock.isSafe($0.1) }
        var bytes: [UInt8] = []
        for (name, value) in self.headers {
            bytes += Array("\(name): \(value)\r\n".utf8)
        }
        self.bytes = bytes
    }

    static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A })
    }
}

/// The application seen from the FastCGI layer.
public protocol FastCGIResponder {
    func respond(to request: FastCGIRequest) -> FastCGIResponse
}
