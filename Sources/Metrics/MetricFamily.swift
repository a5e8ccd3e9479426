/// What the service exports: every family, its type and help. Only these are rendered, so a
/// series can never appear without its `# TYPE` line.
public struct MetricFamily: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    public let name: String
    public let kind: Kind
    public let help: String

    /// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is the count).
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public static let requestDuration = MetricFamily(name: "nexus_request_duration_seconds", kind: .histogram,
                                                     help: "Time to answer a request, by function, action and status code")
    /// Rendered from the histogram's count: no extra cost per request.
    public static let requests = MetricFamily(name: "nexus_requests_total", kind: .counter,
                                              help: "Requests answered, by function, action and status code")
    public static let poolWorkers = MetricFamily(name: "nexus_pool_workers", kind: .gauge, help: "Worker processes running, by state")
    public static let poolThreads = MetricFamily(name: "nexus_pool_threads", kind: .gauge, help: "Request threads of the running workers, by state (busy, idle)")
    public static let poolRespawns = MetricFamily(name: "nexus_pool_respawns_total", kind: .counter,
                                                  help: "Children (workers and the monitor) replaced after they exited")
    public static let poolRecycles = MetricFamily(name: "nexus_pool_recycles_total", kind: .counter,
                                                  help: "Workers that left after WORKER_MAX_REQUESTS and were replaced")
    public static let poolTimeouts = MetricFamily(name: "nexus_pool_request_timeouts_total", kind: .counter,
                                                  help: "Workers killed for a request longer than REQUEST_TIMEOUT_SECONDS")
    public static let tailscaleCalls = MetricFamily(name: "nexus_tailscale_calls_total", kind: .counter,
                                                    help: "Tailscale API calls, by endpoint (retries of one call count once)")
    public static let tailscaleRetries = MetricFamily(name: "nexus_tailscale_retries_total", kind: .counter,
                                                      help: "Tailscale API attempts retried after 429, 5xx, a timeout or a network failure")
    public static let tailscaleErrors = MetricFamily(name: "nexus_tailscale_errors_total", kind: .counter,
                                                     help: "Tailscale API calls that ended without a 2xx answer")
    public static let tailscaleLastSuccess = MetricFamily(name: "nexus_tailscale_last_success_timestamp_seconds", kind: .gauge,
                                                          help: "Unix time of the endpoint's last 2xx answer")
    public static let databaseErrors = MetricFamily(name: "nexus_database_errors_total", kind: .counter,
                                                    help: "Database work that failed, by error kind")
    public static let databaseConnects = MetricFamily(name: "nexus_database_connects_total", kind: .counter,
                                                      help: "Connection attempts, by result (beyond the first per connection, reconnects)")
    public static let inventoryAge = MetricFamily(name: "nexus_inventory_age_seconds", kind: .gauge,
                                                  help: "Seconds since the Tailscale inventory was last synced (read at scrape time)")
    public static let devices = MetricFamily(name: "nexus_devices", kind: .gauge, help: "Devices by status (read at scrape time)")
    public static let scrapeDatabaseUp = MetricFamily(name: "nexus_scrape_database_up", kind: .gauge,
                                                      help: "1 when this scrape could read the database gauges, else 0")

    public static let all: [MetricFamily] = [
        requests, requestDuration, poolWorkers, poolThreads, poolRespawns, poolRecycles, poolTimeouts,
        tailscaleCalls, tailscaleRetries, tailscaleErrors, tailscaleLastSuccess, databaseErrors, databaseConnects,
        inventoryAge, devices, scrapeDatabaseUp,
    ]

    /// `name{label="value",...}`, values escaped as the text format wants.
    public func series(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
