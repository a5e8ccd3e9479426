import OperatingSystem

/// What the service counts, each a few atomic adds on the host's shared table
/// (`MetricsTable.shared`). Label values come from the code (action names, endpoint names,
/// status codes, error kinds), never from a client, a token or a row.
public enum Metrics {
    private static var table: MetricsTable { .shared }

    // Histogram series values: 0 the count, 1 the sum in microseconds, 2... one per bucket
    // (not cumulative: the renderer adds them up).
    static let countValue = 0, sumValue = 1, firstBucketValue = 2

    /// One answered request. `function` and `action` must be known names (or "none").
    public static func observeRequest(function: String, action: String, status: Int, seconds: Double) {
        guard let series = requestSeries(RequestLabels(function: function, action: action, status: status)) else { return }
        table.add(series, value: countValue)
        table.add(series, value: sumValue, UInt64((max(0, seconds) * 1_000_000).rounded()))
        if let bucket = MetricFamily.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
            table.add(series, value: firstBucketValue + bucket)
        }
    }

    public static func tailscaleCall(_ endpoint: String) { count(.tailscaleCalls, [("endpoint", endpoint)]) }
    public static func tailscaleRetry(_ endpoint: String) { count(.tailscaleRetries, [("endpoint", endpoint)]) }
    public static func tailscaleError(_ endpoint: String) { count(.tailscaleErrors, [("endpoint", endpoint)]) }
    public static func tailscaleSuccess(_ endpoint: String, unixSeconds: Int) {
        guard let series = table.series(MetricFamily.tailscaleLastSuccess.series([("endpoint", endpoint)])) else { return }
        table.storeMax(series, UInt64(max(0, unixSeconds)))
    }

    public static func databaseError(kind: String) { count(.databaseErrors, [("kind", kind)]) }
    public static func databaseConnect(succeeded: Bool) { count(.databaseConnects, [("result", succeeded ? "ok" : "failed")]) }

    public static func poolRespawn() { count(.poolRespawns, []) }
    public static func poolRecycle() { count(.poolRecycles, []) }
    public static func poolTimeout() { count(.poolTimeouts, []) }

    /// The pool's current shape, stored by the supervisor on each of its ticks.
    public static func poolState(workers: [(state: String, count: Int)], threads: [(state: String, count: Int)]) {
        for (state, value) in workers { gauge(.poolWorkers, [("state", state)], value) }
        for (state, value) in threads { gauge(.poolThreads, [("state", state)], value) }
    }

    /// The labels of a request's series: a handful of distinct values per process.
    private struct RequestLabels: Hashable {
        let function: String
        let action: String
        let status: Int
    }

    /// Request series found before, so that a request costs one dictionary lookup here instead
    /// of building and hashing the series text and probing the shared table (a quarter of a
    /// health request's CPU before). Bounded by the table itself: a series it cannot hold is
    /// not remembered.
    private static let requestSeriesFound = Locked<[RequestLabels: Int32]>([:])

    private static func requestSeries(_ labels: RequestLabels) -> Int32? {
        if let known = requestSeriesFound.withLock({ $0[labels] }) { return known }
        let text = MetricFamily.requestDuration.series([("function", labels.function), ("action", labels.action),
                                                         ("status", String(labels.status))])
        guard let series = table.series(text) else { return nil }
        requestSeriesFound.withLock { $0[labels] = series }
        return series
    }

    private static func count(_ family: MetricFamily, _ labels: [(String, String)]) {
        guard let series = table.series(family.series(labels)) else { return }
        table.add(series)
    }

    private static func gauge(_ family: MetricFamily, _ labels: [(String, String)], _ value: Int) {
        guard let series = table.series(family.series(labels)) else { return }
        table.store(series, UInt64(max(0, value)))
    }
}
