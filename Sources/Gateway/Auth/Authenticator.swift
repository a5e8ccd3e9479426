import VaultCrypto
import JSON
import JWT
import OperatingSystem
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
    /// Supabase's newer publishable keys (`sb_publishable_...`, not JWTs), accepted where the
    /// legacy `anon` JWT is (SUPABASE_PUBLISHABLE_KEYS).
    let publishableKeys: [[UInt8]]

    init(verifier: JWTVerifier, publishableKeys: [String] = []) {
        self.verifier = verifier
        self.publishableKeys = publishableKeys.map { Array($0.utf8) }
    }

    static let publishableKeyPrefix = "sb_publishable_"
    /// A secret key bypasses row level security; it belongs on servers, never in a header a
    /// browser could send, so it is refused wherever it shows up.
    static let secretKeyPrefix = "sb_secret_"

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
        if token.hasPrefix(Self.secretKeyPrefix) { throw APIError.invalidAuthentication }
        if token.hasPrefix(Self.publishableKeyPrefix) {
            let presented = Array(token.utf8)
            guard publishableKeys.contains(where: { constantTimeEquals($0, presented) }) else { throw APIError.invalidAuthentication }
            guard requirement == .userOrAnonymous else { throw APIError(status: 401, message: missingMessage) }
            return Principal(tokenRole: .anon, userID: nil, profileLoader: nil)
        }
        let claims: JWTClaims
        do { claims = try verifier.verify(token) } catch { throw APIError.invalidAuthentication }
        switch (claims.role, requirement) {
        case (.anon, .user): throw APIError(status: 401, message: missingMessage)
        case (.anon, .userOrAnonymous): return Principal(tokenRole: .anon, userID: nil, profileLoader: nil)
        case (.serviceRole, _): return Principal(tokenRole: .serviceRole, userID: claims.subject, profileLoader: nil)
        case (.authenticated, _):
            guard let subject = claims.subject else { throw APIError.invalidAuthentication }
            return Principal(tokenRole: .authenticated, userID: subject, isAnonymousSignIn: claims.isAnonymous,
                             profileLoader: ProfileLoader(userID: subject, database: database))
        }
    }

    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmed(.blanks)
        return token.isEmpty ? nil : token
    }
}
