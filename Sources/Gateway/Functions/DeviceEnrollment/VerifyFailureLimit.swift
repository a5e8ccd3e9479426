import Postgres

/// Failed `verify` attempts, limited per user and per client address in PostgreSQL, so that a
/// token cannot be guessed by spreading attempts over workers, hosts or accounts.
struct VerifyFailureLimit {
    let limiter: RateLimiter
    let buckets: [String]

    init(_ call: ActionCall) {
        limiter = RateLimiter(limit: call.settings.verifyFailureLimit, windowSeconds: call.settings.verifyFailureWindowSeconds)
        buckets = ["verify-failure:ip:" + RateLimiter.addressKey(call.request.clientAddress)]
            + (call.caller.userID.map { ["verify-failure:user:" + $0] } ?? [])
    }

    /// 429 once a bucket has used up its failures: then even a right token waits, or guessing
    /// could go on and only the successes would tell.
    func checkAllowed(in database: Database) throws {
        let retryAfter = try database.withConnection { connection in try limiter.retryAfter(buckets, on: connection) }
        if let retryAfter { throw APIError.tooManyRequests(retryAfterSeconds: retryAfter) }
    }

    func recordFailure(in database: Database) throws {
        _ = try database.withConnection { connection in try limiter.hit(buckets, on: connection) }
    }
}
