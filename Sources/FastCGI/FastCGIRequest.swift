/// One request as nginx handed it over: the CGI parameters and the body read to EOF.
public struct FastCGIRequest: Sendable {
    public let parameters: [String: String]
    /// The body, at most `maxBodyBytes` long; see `bodyExceededLimit`.
    public let body: [UInt8]
    /// True when the client sent more than the limit (the rest was read and discarded).
    public let bodyExceededLimit: Bool

    public init(parameters: [String: String], body: [UInt8], bodyExceededLimit: Bool = false) {
        self.parameters = parameters
        self.body = body
        self.bodyExceededLimit = bodyExceededLimit
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
        var key = "HTTP_"
        for scalar in name.unicodeScalars {
            switch scalar {
            case "-": key.append("_")
            case "a"..."z": key.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            default: key.unicodeScalars.append(scalar)
            }
        }
        if let value = parameters[key] { return value }
        // CGI passes these two without the HTTP_ prefix.
        switch key {
        case "HTTP_CONTENT_TYPE": return parameters["CONTENT_TYPE"]
        case "HTTP_CONTENT_LENGTH": return parameters["CONTENT_LENGTH"]
        default: return nil
        }
    }
}

/// What a responder answers. Headers are written in order; `Status` is added by the writer.
public struct FastCGIResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The application seen from the FastCGI layer.
public protocol FastCGIResponder {
    func respond(to request: FastCGIRequest) -> FastCGIResponse
}
