import Postgres
import Tailscale

/// Errors of the lower layers that have a defined answer in the contract.
public protocol APIErrorConvertible {
    var apiError: APIError { get }
}

extension DatabaseError: APIErrorConvertible {
    public var apiError: APIError {
        switch kind {
        case .unavailable, .timeout: return .serviceUnavailable
        default: return .internalError
        }
    }
}

extension TailscaleError: APIErrorConvertible {
    /// Upstream details stay in the log; the client learns only that Tailscale failed.
    public var apiError: APIError {
        self == .notConfigured ? .tailscaleNotConfigured : .tailscaleFailed
    }
}

extension APIError {
    /// The one place where any thrown error becomes an answer. Unknown errors are logged by
    /// type (never with their payload, which might hold a secret) and answered 500.
    static func from(_ error: Error, logger: ServiceLog) -> APIError {
        if let error = error as? APIError { return error }
        if let convertible = error as? APIErrorConvertible {
            let answer = convertible.apiError
            if answer.status >= 500 { logger.error("request failed", [("error", .string(String(describing: error)))]) }
            return answer
        }
        logger.error("unexpected error", [("error_type", .string(String(describing: type(of: error))))])
        return .internalError
    }
}
