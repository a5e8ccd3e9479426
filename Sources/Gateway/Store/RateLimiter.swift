import Glibc
import Postgres

/// The SQL of `rate_limits`: fixed-window attempt counters in PostgreSQL, so that every worker on every
/// host behind the load balancer counts against the same limit.
///
/// A bucket names what is limited, e.g. `verify-failure:user:<id>` or
/// `verify-failure:ip:<address key>` (see `addressKey`).
public struct RateLimiter: Sendable {
    /// The window of the anonymous `check-device` limit (ANONYMOUS_CHECKS_PER_MINUTE).
    public static let anonymousCheckWindowSeconds = 60
    /// Attempts allowed per bucket in one window.
    public let limit: Int
    public let windowSeconds: Int

    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    // Both statements: $1 the buckets, $2 the window (seconds), $3 the limit.
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
    public func hit(_ buckets: [String], on connection: DatabaseConnection) throws -> Int? {
        try retryAfter(from: connection.query(Self.hitSQL, [Self.normalized(buckets), windowSeconds, limit]))
    }

    public func hit(bucket: String, on connection: DatabaseConnection) throws -> Int? {
        try hit([bucket], on: connection)
    }

    /// Counts nothing: the seconds to wait when any bucket has already used up its attempts in
    /// the current window, nil when another attempt is allowed.
    public func retryAfter(_ buckets: [String], on connection: DatabaseConnection) throws -> Int? {
        try retryAfter(from: connection.query(Self.retryAfterSQL, [Self.normalized(buckets), windowSeconds, limit]))
    }

    /// Both statements aggregate: one row, NULL when no bucket is over its limit.
    private func retryAfter(from result: QueryResult) throws -> Int? {
        guard let seconds = try StoreError.onlyRow(of: result).value("retry_after") else { return nil }
        guard let retryAfter = Int(seconds) else { throw StoreError.unexpectedValue(column: "retry_after") }
        return max(1, retryAfter)
    }

    /// What a client address counts as: an IPv4 address as it is; an IPv6 address by its /64,
    /// the smallest block one subscriber is usually given, so that rotating through the
    /// addresses of one's own /64 gains nothing (an IPv4-mapped IPv6 address counts as its IPv4
    /// address). Anything else (no address from nginx) is used as it is.
    public static func addressKey(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        for index in 8..<16 { bytes[index] = 0 }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &text, socklen_t(text.count)) != nil else { return address }
        return String(cString: text) + "/64"
    }

    // Bounded: a backlog of expired rows is worked off over several calls, each one short, in
    // window order (the window_start index), skipping rows a request holds right now.
    static let purgeSQL = """
        DELETE FROM rate_limits WHERE bucket IN (
            SELECT bucket FROM rate_limits WHERE window_start < now() - make_interval(secs => $1)
            ORDER BY window_start LIMIT $2 FOR UPDATE SKIP LOCKED)
        """

    /// Deletes up to `batchSize` counters whose window started more than `olderThanSeconds`
    /// ago (the longest window in use: such a counter no longer limits anything, and the next
    /// hit would restart it anyway). Returns how many were deleted.
    public static func purgeExpired(olderThanSeconds: Int, batchSize: Int, on connection: DatabaseConnection) throws -> Int {
        try connection.query(purgeSQL, [olderThanSeconds, batchSize]).affectedRows
    }

    /// One upsert may not touch a row twice, and a fixed order avoids lock-order deadlocks.
    static func normalized(_ buckets: [String]) -> [String] {
        Array(Set(buckets)).sorted()
    }
}
