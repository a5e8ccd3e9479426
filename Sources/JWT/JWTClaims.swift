import JSON

/// The registered and Supabase claims of a verified token.
public struct JWTClaims: Sendable, Equatable {
    /// `sub`: for user tokens, the user's UUID.
    public let subject: String?
    public let role: JWTRole
    /// `aud`, which may be written as one string or an array of strings.
    public let audience: [String]
    public let issuer: String?
    /// `exp`, seconds since the epoch; required.
    public let expiresAt: Int64
    public let notBefore: Int64?
    public let issuedAt: Int64?
    public let email: String?
    /// Supabase's `is_anonymous`: the user signed in anonymously (false when absent or not a
    /// boolean). Only the claims the service reads are kept, not the whole payload: a worker
    /// keeps the claims of every token it verified recently (`VerifiedTokenCache`).
    public let isAnonymous: Bool
}

extension JWTClaims {
    /// Reads the claims with their types checked; the values themselves are judged by
    /// `JWTClaimPolicy`, after the signature has been verified.
    init(payload: JSONObject) throws(JWTError) {
        guard let expiry = payload["exp"] else { throw .missingExpiry }
        guard let expiresAt = expiry.numericDate else { throw .malformed }
        guard let roleName = payload["role"]?.stringValue, let role = JWTRole(rawValue: roleName) else {
            throw .invalidRole
        }
        self.init(
            subject: try payload.optionalString("sub", orThrow: .invalidSubject),
            role: role,
            audience: try payload.audience(),
            issuer: try payload.optionalString("iss", orThrow: .wrongIssuer),
            expiresAt: expiresAt,
            notBefore: try payload.optionalNumericDate("nbf"),
            issuedAt: try payload.optionalNumericDate("iat"),
            email: payload["email"]?.stringValue,
            isAnonymous: payload["is_anonymous"] == .bool(true))
    }
}

extension JSONObject {
    fileprivate func optionalString(_ key: String, orThrow error: JWTError) throws(JWTError) -> String? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw error }
        return text
    }

    fileprivate func optionalNumericDate(_ key: String) throws(JWTError) -> Int64? {
        guard let value = self[key] else { return nil }
        guard let seconds = value.numericDate else { throw .malformed }
        return seconds
    }

    fileprivate func audience() throws(JWTError) -> [String] {
        switch self["aud"] {
        case nil, .null?: return []
        case .string(let single)?: return [single]
        case .array(let entries)?:
            var audience: [String] = []
            for entry in entries {
                guard let text = entry.stringValue else { throw .wrongAudience }
                audience.append(text)
            }
            return audience
        default: throw .wrongAudience
        }
    }
}

extension JSONValue {
    /// A JWT NumericDate (RFC 7519 section 2): seconds since the epoch, possibly fractional.
    /// Fractions are cut toward the past; values beyond any plausible date are refused rather
    /// than trapping in the conversion.
    fileprivate var numericDate: Int64? {
        switch self {
        case .int(let seconds): return Int64(seconds)
        case .double(let seconds) where seconds.isFinite && abs(seconds) < 1e15:
            return Int64(seconds.rounded(.down))
        default: return nil
        }
    }
}
