import VaultCrypto
/// The rules a verified token's claims must satisfy (see the contract's "Authentication").
struct JWTClaimPolicy {
    /// Supabase signs its anon and service keys with this issuer rather than the auth URL.
    static let apiKeyIssuer = "supabase"
    static let userAudience = "authenticated"

    let issuer: String?
    let leewaySeconds: Int64

    func check(_ claims: JWTClaims, now: Int64) throws(JWTError) {
        // exp is exclusive (RFC 7519 4.1.4), nbf inclusive; both tolerate clock skew.
        guard now < claims.expiresAt.addingClamped(leewaySeconds) else { throw .expired }
        if let notBefore = claims.notBefore, notBefore > now.addingClamped(leewaySeconds) { throw .notYetValid }

        if claims.role == .authenticated {
            guard claims.audience.contains(Self.userAudience) else { throw .wrongAudience }
            guard let subject = claims.subject, UUIDText.isValid(subject) else { throw .invalidSubject }
        }
        if let issuer, !acceptedIssuers(for: claims.role, configured: issuer).contains(claims.issuer) {
            throw .wrongIssuer
        }
    }

    private func acceptedIssuers(for role: JWTRole, configured: String) -> [String?] {
        role.isAPIKey ? [configured, Self.apiKeyIssuer] : [configured]
    }
}

extension Int64 {
    /// Claims are attacker-chosen: an `exp` near Int64.max must not trap when leeway is added.
    fileprivate func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
