/// An answer other than success, with the exact strings of the contract (some are shown to
/// people as they are, several in Spanish on purpose). This is the one error path: every
/// failure becomes an `APIError` before it is written.
public struct APIError: Error, Equatable, Sendable {
    public let status: Int
    public let message: String
    public var headers: [(String, String)] = []

    public init(status: Int, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(status: 400, message: message) }
    public static func notFound(_ message: String) -> APIError { APIError(status: 404, message: message) }

    public static let invalidJSON = badRequest("Invalid JSON body")
    public static let bodyTooLarge = APIError(status: 413, message: "Request body too large")
    public static let functionNotFound = notFound("Function not found")
    public static let methodNotAllowed = APIError(status: 405, message: "Method not allowed", headers: [("Allow", "POST, OPTIONS")])
    public static let invalidAuthentication = APIError(status: 401, message: "Invalid authentication")
    public static let forbidden = APIError(status: 403, message: "Forbidden")
    public static let tooManyRequests = APIError(status: 429, message: "Too many requests", headers: [("Retry-After", "60")])
    public static let serviceUnavailable = APIError(status: 503, message: "Service temporarily unavailable", headers: [("Retry-After", "5")])
    public static let tailscaleNotConfigured = APIError(status: 503, message: "Tailscale OAuth credentials not configured")
    public static let tailscaleFailed = APIError(status: 502, message: "Tailscale API error")
    public static let internalError = APIError(status: 500, message: "Internal server error")

    public static func tooManyRequests(retryAfterSeconds: Int) -> APIError {
        APIError(status: 429, message: "Too many requests", headers: [("Retry-After", String(max(1, retryAfterSeconds)))])
    }
}
