import OperatingSystem

/// Tokens this worker verified recently, so that a client polling with the same access token
/// (the portal checks a joining device every 5 s) does not pay for parsing and the signature
/// check again. Safe to use from several threads at once (one mutex, held only for the lookup
/// or the insertion).
///
/// Safe because a token's signature and claims never change: the cache only remembers that
/// this exact token (compared in full) passed; the time-dependent checks (`exp`, `nbf`) run
/// again on every use. An entry is kept at most `maximumAgeSeconds`, and only while the key set
/// it was verified against is the current one (`keySetGeneration`): a signing key removed from
/// the JWKS stops being honoured as soon as the set without it is loaded. Bounded: when full, it
/// starts over.
final class VerifiedTokenCache: Sendable {
    private struct Entries {
        var keySetGeneration = 0
        var byToken: [String: (claims: JWTClaims, verifiedAt: Int64)] = [:]
    }

    let capacity: Int
    let maximumAgeSeconds: Int64
    private let entries = Locked(Entries())

    init(capacity: Int = 256, maximumAgeSeconds: Int64 = 60) {
        self.capacity = capacity
        self.maximumAgeSeconds = maximumAgeSeconds
    }

    func claims(for token: String, keySetGeneration: Int, now: Int64) -> JWTClaims? {
        entries.withLock { entries in
            guard entries.keySetGeneration == keySetGeneration, let entry = entries.byToken[token],
                  now - entry.verifiedAt < maximumAgeSeconds else { return nil }
            return entry.claims
        }
    }

    func remember(_ claims: JWTClaims, for token: String, keySetGeneration: Int, now: Int64) {
        entries.withLock { entries in
            if entries.keySetGeneration != keySetGeneration || entries.byToken.count >= capacity {
                entries.byToken.removeAll(keepingCapacity: true)
                entries.keySetGeneration = keySetGeneration
            }
            entries.byToken[token] = (claims, now)
        }
    }
}
