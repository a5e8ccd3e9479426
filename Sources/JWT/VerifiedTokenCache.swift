/// Tokens this worker verified recently, so that a client polling with the same access token
/// (the portal checks a joining device every 5 s) does not pay for parsing and the signature
/// check again.
///
/// Safe because a token's signature and claims never change: the cache only remembers that
/// this exact token (compared in full) passed; the time-dependent checks (`exp`, `nbf`) run
/// again on every use. An entry is kept at most `maximumAgeSeconds`, so a signing key removed
/// from the JWKS stops being honoured within that time. Bounded: when full, it starts over.
struct VerifiedTokenCache {
    let capacity: Int
    let maximumAgeSeconds: Int64
    private var entries: [String: (claims: JWTClaims, verifiedAt: Int64)] = [:]

    init(capacity: Int = 256, maximumAgeSeconds: Int64 = 60) {
        self.capacity = capacity
        self.maximumAgeSeconds = maximumAgeSeconds
    }

    func claims(for token: String, now: Int64) -> JWTClaims? {
        guard let entry = entries[token], now - entry.verifiedAt < maximumAgeSeconds else { return nil }
        return entry.claims
    }

    mutating func remember(_ claims: JWTClaims, for token: String, now: Int64) {
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[token] = (claims, now)
    }
}
