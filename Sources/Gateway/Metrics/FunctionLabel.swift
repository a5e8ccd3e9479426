/// The `function` label of a request's metrics: a name the service knows, never the path a
/// client sent.
enum FunctionLabel {
    static func of(path: String, functions: [String: GatewayFunction]) -> String {
        switch path {
        case MetricsEndpoint.path: return "metrics"
        case LiveUpdatesAuthorization.path: return "live_authorize"
        default: break
        }
        guard path.hasPrefix(GatewayRouter.prefix) else { return "unknown" }
        let name = String(path.dropFirst(GatewayRouter.prefix.count))
        return functions[name] != nil || name == "health" || name == "ready" ? name : "unknown"
    }
}
