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
/// drops the entries past their age, and starts over if none were.
///
/// Sized for the users who poll at once: a portal of a thousand people enrolling polls with a
/// thousand tokens, and a cache smaller than that (it held 256) starts over before any token
/// comes round again, so nothing is ever found. An entry is a token and its claims, about a
/// KiB (a worker grew by about 1 MiB with a thousand users polling): 2,048 of them are about
/// 2 MiB per worker, reached only with that many users polling within a minute.
final class VerifiedTokenCache: Sendable {
    private struct Entries {
        var keySetGeneration = 0
        var byToken: [String: (claims: JWTClaims, verifiedAt: Int64)] = [:]
    }

    let capacity: Int
    let maximumAgeSeconds: Int64
    private let entries = Locked(Entries())

    init(capacity: Int = 2048, maximumAgeSeconds: Int64 = 60) {
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
            if entries.keySetGeneration != keySetGeneration {
                entries.byToken.removeAll(keepingCapacity: true)
                entries.keySetGeneration = keySetGeneration
            }
            if entries.byToken.count >= capacity {
                entries.byToken = entries.byToken.filter { now - $0.value.verifiedAt < maximumAgeSeconds }
                if entries.byToken.count >= capacity { entries.byToken.removeAll(keepingCapacity: true) }
            }
            entries.byToken[token] = (claims, now)
        }
    }
}
