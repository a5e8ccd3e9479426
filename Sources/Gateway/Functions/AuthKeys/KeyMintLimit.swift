import Postgres

/// How many auth keys may be minted through the Tailscale API per user and per organization in
/// one hour (KEY_MINTS_PER_USER_PER_HOUR, KEY_MINTS_PER_ORGANIZATION_PER_HOUR): a stolen
/// session must not turn into a stream of pre-authorized keys. Counted in `rate_limits`, so
/// every worker and host shares the limit.
struct KeyMintLimit {
    static let windowSeconds = 3600

    let perUser: RateLimiter
    let perOrganization: RateLimiter

    init(settings: Settings) {
        perUser = RateLimiter(limit: settings.keyMintsPerUserPerHour, windowSeconds: Self.windowSeconds)
        perOrganization = RateLimiter(limit: settings.keyMintsPerOrganizationPerHour, windowSeconds: Self.windowSeconds)
    }

    /// Counts one mint against the caller and the organization; 429 with `Retry-After` when
    /// either is used up. A `service_role` key without a subject counts only against the
    /// organization.
    func charge(userID: String?, organizationID: String?, in database: Database) throws {
        let retryAfter = try database.withConnection { connection -> Int? in
            if let userID, let wait = try perUser.hit(bucket: "key-mint:user:" + userID, on: connection) { return wait }
            if let organizationID { return try perOrganization.hit(bucket: "key-mint:org:" + organizationID, on: connection) }
            return nil
        }
        if let retryAfter { throw APIError.tooManyRequests(retryAfterSeconds: retryAfter) }
    }
}
