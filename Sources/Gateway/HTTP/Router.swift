import FastCGI
import JSON
import Metrics
import OperatingSystem

/// The FastCGI responder of the gateway: routes `/functions/v1/<name>`, applies the contract's
/// rules that hold for every function (methods, preflight, body limits, JSON decoding), runs
/// the function, and writes one access-log line.
public final class GatewayRouter: FastCGIResponder {
    public static let prefix = "/functions/v1/"

    private let services: Services
    private let functions: [String: GatewayFunction]
    private let writer: ResponseWriter
    private let accessLog: AccessLog

    public init(services: Services, functions: [GatewayFunction]) {
        self.services = services
        self.functions = Dictionary(functions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.writer = ResponseWriter(corsAllowOrigin: services.settings.corsAllowOrigin)
        self.accessLog = AccessLog(threads: services.settings.pool.threadsPerWorker)
    }

    public func respond(to request: FastCGIRequest) -> FastCGIResponse {
        let started = MonotonicClock.seconds()
        var outcome: FunctionOutcome?
        let response = route(request, outcome: &outcome)
        let seconds = MonotonicClock.seconds() - started
        Metrics.observeRequest(function: FunctionLabel.of(path: request.path, functions: functions),
                               action: outcome?.action ?? "none", status: response.status, seconds: seconds)
        accessLog.record([
            ("method", .string(request.method)), ("path", .string(request.path)),
            ("action", .optional(outcome?.action)), ("status", .int(response.status)),
            ("duration_ms", .double((seconds * 100_000).rounded() / 100)),
            ("pid", .int(services.logger.pid)), ("user_id", .optional(outcome?.userID)),
            ("client", .string(request.parameters["REMOTE_ADDR"] ?? "unknown")),
        ], thread: request.thread)
        return response
    }

    /// Writes the buffered access-log lines (the worker calls this once a second and when it stops).
    public func flushLogs() { accessLog.flush() }

    /// `outcome` is what the function reported, for the access log (nil when no function ran).
    private func route(_ request: FastCGIRequest, outcome: inout FunctionOutcome?) -> FastCGIResponse {
        guard request.path.hasPrefix(Self.prefix) else {
            if request.path == MetricsEndpoint.path { return MetricsEndpoint(services: services).respond(to: request) }
            guard request.path == LiveUpdatesAuthorization.path else { return writer.error(.functionNotFound) }
            let authorization = LiveUpdatesAuthorization(requestURI: request.header(LiveUpdatesAuthorization.subscriptionHeader) ?? "")
            return answer(authorization.handle(APIRequest(fastCGI: request, body: JSONObject()), services: services), outcome: &outcome)
        }
        let name = String(request.path.dropFirst(Self.prefix.count))
        switch name {
        case "health": return probe(request) { writer.json(200, ["status": "ok"]) }
        case "ready":
            return probe(request) {
                services.database.ping() ? writer.json(200, ["status": "ready"]) : writer.error(.serviceUnavailable)
            }
        default: break
        }
        guard let function = functions[name] else { return writer.error(.functionNotFound) }
        switch request.method {
        case "OPTIONS": return writer.preflight()
        case "POST": break
        default: return writer.error(.methodNotAllowed)
        }
        if request.bodyExceededLimit { return writer.error(.bodyTooLarge) }
        guard let body = Self.decodeBody(request.body) else { return writer.error(.invalidJSON) }
        return answer(function.handle(APIRequest(fastCGI: request, body: body), services: services), outcome: &outcome)
    }

    private func answer(_ handled: FunctionOutcome, outcome: inout FunctionOutcome?) -> FastCGIResponse {
        outcome = handled
        switch handled.answer {
        case .success(let answer): return writer.json(200, answer)
        case .failure(let error): return writer.error(APIError.from(error, logger: services.logger))
        }
    }

    /// Health and readiness answer GET and HEAD only.
    private func probe(_ request: FastCGIRequest, _ answer: () -> FastCGIResponse) -> FastCGIResponse {
        switch request.method {
        case "GET", "HEAD": return answer()
        case "OPTIONS": return writer.preflight()
        default: return writer.error(APIError(status: 405, message: "Method not allowed", headers: [("Allow", "GET, HEAD")]))
        }
    }

    /// The most values a request body may hold: the contract's bodies have a dozen. The body is
    /// parsed before the caller is authenticated, so a 64 KiB body of thousands of keys is
    /// refused once past this, at a fraction of a normal request's cost.
    static let maxBodyValues = 256

    /// A JSON object, or nil. An empty body counts as `{}`: `tailscale-api` is called with the
    /// action in the query string and no body at all.
    static func decodeBody(_ bytes: [UInt8]) -> JSONObject? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return JSONObject() }
        guard let value = try? JSONParser.parse(bytes, maxValues: maxBodyValues), case .object(let object) = value else { return nil }
        return object
    }
}
