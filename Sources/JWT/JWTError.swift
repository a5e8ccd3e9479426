/// Why a token was refused. Cases carry no data on purpose: callers answer every one of them with
/// the same 401, and neither the token nor any key material may reach a log line through them.
public enum JWTError: Error, Equatable {
    case malformed
    case unsupportedAlgorithm
    case unknownKey
    case keyAlgorithmMismatch
    case badSignature
    case expired
    case notYetValid
    case wrongAudience
    case wrongIssuer
    case invalidSubject
    case invalidRole
    case missingExpiry
}

/// Why a JWKS document could not be used.
public enum JWKSError: Error, Equatable {
    /// The source failed (missing file, network error, non-200 answer).
    case unreadable
    /// The document is not a JSON object with a `keys` array.
    case malformed
    /// No key in the document is an RSA or P-256 signing key that could be imported.
    case noUsableKeys
}
