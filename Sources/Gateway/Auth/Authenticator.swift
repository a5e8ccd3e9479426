import JWT
import Postgres

/// Turns the request's credentials into a `Principal`. Verification is local (no call per
/// request); the profile is one indexed query, made only when an action needs it.
public struct Authenticator {
    public enum Requirement {
        /// A user (`authenticated`) or `service_role` token.
        case user
        /// Like `.user`, but a valid `anon` key is also accepted (check-device).
        case userOrAnonymous
    }

    let verifier: JWTVerifier

    /// - Parameter missingMessage: the function's own wording of "no credentials" (the contract
    ///   has two).
    func authenticate(_ request: APIRequest, requirement: Requirement, missingMessage: String,
                      database: Database) throws -> Principal {
        // supabase-js sends the anon key as the bearer when nobody is signed in, and always as
        // `apikey`; the bearer token is the one that speaks for the caller.
        let bearer = request.authorization.flatMap(Self.bearerToken)
        if request.authorization != nil, bearer == nil { throw APIError.invalidAuthentication }
        let token: String
        switch (bearer, requirement) {
        case (let bearer?, _): token = bearer
        case (nil, .userOrAnonymous):
            guard let apiKey = request.apiKey, !apiKey.isEmpty else { throw APIError(status: 401, message: missingMessage) }
            token = apiKey
        case (nil, .user): throw APIError(status: 401, message: missingMessage)
        }
        let claims: JWTClaims
        do { claims = try verifier.verify(token) } catch { throw APIError.invalidAuthentication }
        switch (claims.role, requirement) {
        case (.anon, .user): throw APIError(status: 401, message: missingMessage)
        case (.anon, .userOrAnonymous): return Principal(tokenRole: .anon, userID: nil, profileLoader: nil)
        case (.serviceRole, _): return Principal(tokenRole: .serviceRole, userID: claims.subject, profileLoader: nil)
        case (.authenticated, _):
            guard let subject = claims.subject else { throw APIError.invalidAuthentication }
            return Principal(tokenRole: .authenticated, userID: subject, profileLoader: ProfileLoader(userID: subject, database: database))
        }
    }

    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}
