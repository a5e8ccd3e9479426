import OperatingSystem
import VaultCrypto

/// Tokens this worker verified recently, so that a client polling with the same access token
/// (the portal checks a joining device every 5 s) does not pay for parsing and the signature
/// check again. Safe to use from several threads at once (one mutex, held only for the lookup
/// or the insertion).
///
/// Safe because a token's signature and claims never change: the cache only remembers that
/// this exact token (known by its SHA-256, `TokenDigest`) passed; the time-dependent checks
/// (`exp`, `nbf`) run again on every use. An entry is kept at most `maximumAgeSeconds`, and only
/// while the key set it was verified against is the current one (`keySetGeneration`): a signing
/// key removed from the JWKS stops being honoured as soon as the set without it is loaded.
/// Bounded: when full, it drops the entries past their age, and starts over if none were.
///
/// Sized for the users who poll at once: a portal of a thousand people enrolling polls with a
/// thousand tokens, and a cache smaller than that (it held 256) starts over before any token
/// comes round again, so nothing is ever found. An entry is a token's digest and its claims,
/// whatever the token's size: with `make bench`'s 256-byte tokens, a worker that had seen 2,000
/// of them was 0.6-0.8 MiB smaller than when entries kept the token.
final class VerifiedTokenCache: Sendable {
    private struct Entries {
        var keySetGeneration = 0
        var byToken: [TokenDigest: (claims: JWTClaims, verifiedAt: Int64)] = [:]
    }

    let capacity: Int
    let maximumAgeSeconds: Int64
    private let entries = Locked(Entries())

    init(capacity: Int = 2048, maximumAgeSeconds: Int64 = 60) {
        self.capacity = capacity
        self.maximumAgeSeconds = maximumAgeSeconds
    }

    func claims(for digest: TokenDigest, keySetGeneration: Int, now: Int64) -> JWTClaims? {
        entries.withLock { entries in
            guard entries.keySetGeneration == keySetGeneration, let entry = entries.byToken[digest],
                  now - entry.verifiedAt < maximumAgeSeconds else { return nil }
            return entry.claims
        }
    }

    func remember(_ claims: JWTClaims, for digest: TokenDigest, keySetGeneration: Int, now: Int64) {
        entries.withLock { entries in
            if entries.keySetGeneration != keySetGeneration {
                entries.byToken.removeAll(keepingCapacity: true)
                entries.keySetGeneration = keySetGeneration
            }
            if entries.byToken.count >= capacity {
                entries.byToken = entries.byToken.filter { now - $0.value.verifiedAt < maximumAgeSeconds }
                if entries.byToken.count >= capacity { entries.byToken.removeAll(keepingCapacity: true) }
            }
            entries.byToken[digest] = (claims, now)
        }
    }
}

/// What the cache knows a token by: its SHA-256, not the token. The cache then holds no bearer
/// token (up to 2,048 would otherwise sit in a worker's memory for a minute, for a core dump or
/// an overread to hand out), and an entry's size does not grow with the token's (Supabase's
/// carry their metadata: about a KiB). Telling tokens apart by digest is as strict as comparing
/// them in full: a second token with the same SHA-256 is out of reach.
/// Four words rather than a `[UInt8]`: a key with no allocation of its own.
struct TokenDigest: Hashable {
    private let first, second, third, fourth: UInt64

    init(_ token: String) {
        let bytes = Digest.sha256(Array(token.utf8))
        func word(_ index: Int) -> UInt64 {
            bytes[index * 8..<index * 8 + 8].reduce(0) { $0 << 8 | UInt64($1) }
        }
        (first, second, third, fourth) = (word(0), word(1), word(2), word(3))
    }
}
