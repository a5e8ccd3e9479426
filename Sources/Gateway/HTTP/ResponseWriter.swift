import FastCGI
import JSON

/// Builds every answer with the headers the contract puts on all of them: JSON content type,
/// `Cache-Control: no-store` (answers can carry secrets) and CORS.
struct ResponseWriter: Sendable {
    static let allowedHeaders = "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage"
    /// Rendered once per worker: they are the same on every answer.
    private let common: HeaderBlock

    init(corsAllowOrigin: String) {
        common = HeaderBlock(Self.commonHeaders(corsAllowOrigin: corsAllowOrigin))
    }

    private static func commonHeaders(corsAllowOrigin: String) -> [(String, String)] {
        var headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Access-Control-Allow-Origin", corsAllowOrigin),
            ("Access-Control-Allow-Headers", Self.allowedHeaders),
            ("Access-Control-Allow-Methods", "POST, OPTIONS"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if corsAllowOrigin != "*" { headers.append(("Vary", "Origin")) }
        return headers
    }

    func json(_ status: Int, _ body: JSONValue, extraHeaders: [(String, String)] = []) -> FastCGIResponse {
        FastCGIResponse(status: status, prelude: common, headers: extraHeaders, body: body.serializedBytes())
    }

    func error(_ error: APIError) -> FastCGIResponse {
        json(error.status, ["error": .string(error.message)], extraHeaders: error.headers)
    }

    /// CORS preflight: 204 without a body.
    func preflight() -> FastCGIResponse {
        FastCGIResponse(status: 204, prelude: common, headers: [("Access-Control-Max-Age", "86400")])
    }
}
