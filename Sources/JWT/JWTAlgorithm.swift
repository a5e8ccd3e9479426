/// The signature algorithms accepted in a token's `alg` header. Anything else, `none` first of
/// all, is refused before any key is looked at.
public enum JWTAlgorithm: String, Sendable {
    case hs256 = "HS256"
    case rs256 = "RS256"
    case es256 = "ES256"
}

/// The Supabase roles a token may carry in its `role` claim.
public enum JWTRole: String, Sendable {
    /// A signed-in user: the token names the user in `sub`.
    case authenticated
    /// The public anon API key.
    case anon
    /// The service key, which may do everything.
    case serviceRole = "service_role"

    /// API keys are signed by Supabase itself and follow looser rules on `iss`, `aud` and `sub`.
    var isAPIKey: Bool { self != .authenticated }
}
