import VaultCrypto
import Glibc
import JSON
import OperatingSystem

/// Verifies Supabase access tokens and API keys locally.
///
/// One per worker process, shared by its request threads: safe to use from several threads at
/// once. The HMAC context is rewound per message, so HS256 checks take turns on a mutex (about a
/// microsecond each); the JWKS and the verified-token cache guard themselves; everything else
/// is immutable.
public final class JWTVerifier: @unchecked Sendable {
    /// Keyed once with the HMAC secret: HS256 checks are on every request's path.
    private let hmac: Locked<HMACSHA256>?
    private let jwks: JWKSCache?
    private let policy: JWTClaimPolicy
    private let now: () -> Int64
    private let recentlyVerified = VerifiedTokenCache()

    /// - Parameters:
    ///   - hmacSecret: the project's legacy JWT secret; the only key HS256 tokens are checked with.
    ///   - jwks: the source of the asymmetric public keys for RS256 and ES256, loaded right away.
    ///   - issuer: when set, the `iss` user tokens must carry.
    ///   - jwksMaximumAge: seconds after which the key set is loaded again, so that a removed key
    ///     stops verifying within that time.
    ///   - jwksRefetchInterval: the least time between two loads of the key set.
    ///   - log: where a failed JWKS re-load is reported (never with key material).
    public init(hmacSecret: [UInt8]?, jwks: JWKSSource?, issuer: String?, leewaySeconds: Int64 = 30,
                jwksMaximumAge: Int64 = 600, jwksRefetchInterval: Int64 = 60,
                now: @escaping () -> Int64 = { Int64(time(nil)) },
                log: @escaping @Sendable (String) -> Void = { _ in }) throws(JWKSError) {
        self.hmac = hmacSecret.map { Locked(HMACSHA256(key: $0)) }
        self.policy = JWTClaimPolicy(issuer: issuer, leewaySeconds: leewaySeconds)
        self.now = now
        self.jwks = try jwks.map { source throws(JWKSError) in
            try JWKSCache(source: source, maximumAge: jwksMaximumAge, refetchInterval: jwksRefetchInterval,
                          allowEmpty: hmacSecret != nil, now: now(), log: log)
        }
    }

    public func verify(_ token: String) throws(JWTError) -> JWTClaims {
        let now = now()
        let keys = jwks?.keys(now: now)
        let generation = keys?.generation ?? 0
        let digest = TokenDigest(token)  // once: looked up, and remembered on a miss
        if let claims = recentlyVerified.claims(for: digest, keySetGeneration: generation, now: now) {
            try policy.check(claims, now: now)  // expiry and not-before move with the clock
            return claims
        }
        let compact = try CompactToken(token)
        try verifySignature(of: compact, keys: keys, now: now)
        let claims = try JWTClaims(payload: compact.payload)
        try policy.check(claims, now: now)
        recentlyVerified.remember(claims, for: digest, keySetGeneration: generation, now: now)
        return claims
    }

    private func verifySignature(of token: CompactToken, keys: JWKSCache.Snapshot?, now: Int64) throws(JWTError) {
        switch token.algorithm {
        case .hs256:
            // Never with JWKS material: verifying HS256 with a public key as the HMAC secret
            // would let anyone who has the public key (everyone) mint tokens.
            guard let hmac else { throw .unknownKey }
            let expected = hmac.withLock { $0.authenticate(token.signingInput) }
            guard constantTimeEquals(expected, token.signature) else { throw .badSignature }
        case .rs256, .es256:
            guard let jwks, let keys, let entry = jwks.key(for: token.keyID, in: keys, now: now) else { throw .unknownKey }
            guard entry.fits(token.algorithm) else { throw .keyAlgorithmMismatch }
            guard let signature = Self.libcryptoSignature(token.signature, for: token.algorithm),
                  entry.key.verify(signature: signature, message: token.signingInput)
            else { throw .badSignature }
        }
    }

    private static func libcryptoSignature(_ signature: [UInt8], for algorithm: JWTAlgorithm) -> [UInt8]? {
        algorithm == .es256 ? ECDSASignature.derFromRawP256(signature) : signature
    }
}
