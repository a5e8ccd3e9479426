import Crypto
import Glibc
import JSON

/// Verifies Supabase access tokens and API keys locally.
///
/// One per worker process: it caches the JWKS and re-fetches it on its own schedule, so it is
/// deliberately not shared across threads.
public final class JWTVerifier {
    /// Keyed once with the HMAC secret: HS256 checks are on every request's path.
    private let hmac: HMACSHA256?
    private var jwks: JWKSCache?
    private let policy: JWTClaimPolicy
    private let now: () -> Int64
    private var recentlyVerified = VerifiedTokenCache()

    /// - Parameters:
    ///   - hmacSecret: the project's legacy JWT secret; the only key HS256 tokens are checked with.
    ///   - jwks: the source of the asymmetric public keys for RS256 and ES256, loaded right away.
    ///   - issuer: when set, the `iss` user tokens must carry.
    public init(hmacSecret: [UInt8]?, jwks: JWKSSource?, issuer: String?, leewaySeconds: Int64 = 30,
                jwksRefetchInterval: Int64 = 60, now: @escaping () -> Int64 = { Int64(time(nil)) }) throws(JWKSError) {
        self.hmac = hmacSecret.map(HMACSHA256.init(key:))
        self.policy = JWTClaimPolicy(issuer: issuer, leewaySeconds: leewaySeconds)
        self.now = now
        if let jwks {
            self.jwks = try JWKSCache(source: jwks, refetchInterval: jwksRefetchInterval,
                                      allowEmpty: hmacSecret != nil, now: now())
        }
    }

    public func verify(_ token: String) throws(JWTError) -> JWTClaims {
        let now = now()
        if let claims = recentlyVerified.claims(for: token, now: now) {
            try policy.check(claims, now: now)  // expiry and not-before move with the clock
            return claims
        }
        let compact = try CompactToken(token)
        try verifySignature(of: compact)
        let claims = try JWTClaims(payload: compact.payload)
        try policy.check(claims, now: now)
        recentlyVerified.remember(claims, for: token, now: now)
        return claims
    }

    private func verifySignature(of token: CompactToken) throws(JWTError) {
        switch token.algorithm {
        case .hs256:
            // Never with JWKS material: verifying HS256 with a public key as the HMAC secret
            // would let anyone who has the public key (everyone) mint tokens.
            guard let hmac else { throw .unknownKey }
            let expected = hmac.authenticate(token.signingInput)
            guard constantTimeEquals(expected, token.signature) else { throw .badSignature }
        case .rs256, .es256:
            guard let entry = jwks?.key(for: token.keyID, now: now()) else { throw .unknownKey }
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
