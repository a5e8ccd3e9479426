import Postgres

/// Fixed-window attempt counters in PostgreSQL (`rate_limits`), so that every worker on every
/// host behind the load balancer counts against the same limit.
///
/// A bucket names what is limited, e.g. `verify-failure:user:<id>` or `verify-failure:ip:<address>`.
public struct RateLimiter: Sendable {
    /// Attempts allowed per bucket in one window.
    public let limit: Int
    public let windowSeconds: Int

    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    // A window that ended restarts at the next hit; buckets are upserted in sorted order so that
    // two requests sharing buckets always lock them in the same order (no deadlock).
    static let hitSQL = """
        WITH counted AS (
            INSERT INTO rate_limits AS r (bucket, window_start, hits)
            SELECT bucket, now(), 1 FROM unnest($1::text[]) AS bucket
            ON CONFLICT (bucket) DO UPDATE SET
                hits = CASE WHEN r.window_start > now() - make_interval(secs => $2) THEN r.hits + 1 ELSE 1 END,
                window_start = CASE WHEN r.window_start > now() - make_interval(secs => $2) THEN r.window_start ELSE now() END
            RETURNING hits, window_start
        )
        SELECT max(ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now())))::int AS retry_after
        FROM counted WHERE hits > $3
        """

    static let retryAfterSQL = """
        SELECT max(ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now())))::int AS retry_after
        FROM rate_limits
        WHERE bucket = ANY($1::text[]) AND hits >= $3 AND window_start > now() - make_interval(secs => $2)
        """

    /// Counts one attempt in every bucket. Returns the seconds to wait when this attempt went
    /// over the limit of any bucket, nil when it was within.
    public func hit(_ buckets: [String], on connection: PostgresConnection) throws -> Int? {
        try retryAfter(from: connection.query(Self.hitSQL, [Self.normalized(buckets), windowSeconds, limit]))
    }

    public func hit(bucket: String, on connection: PostgresConnection) throws -> Int? {
        try hit([bucket], on: connection)
    }

    /// Counts nothing: the seconds to wait when any bucket has already used up its attempts in
    /// the current window, nil when another attempt is allowed.
    public func retryAfter(_ buckets: [String], on connection: PostgresConnection) throws -> Int? {
        try retryAfter(from: connection.query(Self.retryAfterSQL, [Self.normalized(buckets), windowSeconds, limit]))
    }

    private func retryAfter(from result: PostgresResult) -> Int? {
        result.first?.int("retry_after").map { max(1, $0) }
    }

    /// One upsert may not touch a row twice, and a fixed order avoids lock-order deadlocks.
    static func normalized(_ buckets: [String]) -> [String] {
        Array(Set(buckets)).sorted()
    }
}
