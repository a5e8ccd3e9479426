import VaultCrypto
import JSON
import JWT
import Postgres

/// The operator's commands on the database (`org create`, `user create`, `org tailscale-key`)
/// and the token minting used by the README and the tests.
public struct Administration {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let settings: Settings
    let database: Database

    public init(settings: Settings) {
        self.settings = settings
        database = Database(conninfo: settings.databaseURL, statementTimeoutMilliseconds: settings.databaseStatementTimeoutMilliseconds,
                            connectTimeoutSeconds: settings.databaseConnectTimeoutSeconds)
    }

    public func createOrganization(name: String) throws -> String {
        try OrganizationStore.create(name: name, in: database)
    }

    public func createUser(organizationID: String, role: String, fullName: String) throws -> String {
        guard let role = UserRole(rawValue: role) else {
            throw Failure(description: "--role must be one of global_admin, org_admin, support, user")
        }
        guard UUIDText.isValid(organizationID) else { throw Failure(description: "--org must be an organization id (a UUID)") }
        do {
            return try ProfileStore.create(organizationID: organizationID, fullName: fullName, role: role, in: database)
        } catch StoreError.missingReference {
            throw Failure(description: "no such organization, or profiles.id references auth.users here: "
                + "on a Supabase database create the user through Supabase Auth first")
        }
    }

    /// Stores an organization's static auth key, encrypted at rest, as its newest active key.
    public func storeTailscaleKey(organizationID: String, key: String, tags: [String]) throws -> String {
        guard UUIDText.isValid(organizationID) else { throw Failure(description: "--org must be an organization id (a UUID)") }
        guard key.hasPrefix("tskey-") else { throw Failure(description: "the key must be a Tailscale auth key (tskey-auth-...)") }
        for tag in tags where !TailscaleTag.isValid(tag) {
            throw Failure(description: "invalid tag \(tag): tags look like tag:name (letters, digits, dashes)")
        }
        // The row's id is chosen here: the sealed key is bound to it.
        let id = SecureRandom.uuidV4()
        return try OrganizationStore.storeTailscaleKey(configID: id, organizationID: organizationID,
                                                       sealedKey: settings.secretsKey.seal(key, for: .organizationAuthKey(configID: id)),
                                                       tags: tags, in: database)
    }

    /// An HS256 token shaped like Supabase's: user tokens carry `aud`, `sub`, `role` and a
    /// session id; API keys (anon, service_role) carry `iss: supabase` and the role only.
    public static func token(settings: Settings, userID: String?, role: JWTRole, ttlSeconds: Int, now: Int) throws -> String {
        guard let secret = settings.jwt.secret else { throw Failure(description: "JWT_SECRET is not set: only HS256 tokens can be minted here") }
        var claims = JSONObject([("iat", .int(now)), ("exp", .int(now + ttlSeconds)), ("role", .string(role.rawValue))])
        switch role {
        case .authenticated:
            guard let userID, UUIDText.isValid(userID) else { throw Failure(description: "--user must be a user id (a UUID)") }
            claims["iss"] = .string(settings.jwt.issuer ?? "supabase")
            claims["aud"] = "authenticated"
            claims["sub"] = .string(userID)
            claims["aal"] = "aal1"
            claims["session_id"] = .string(SecureRandom.uuidV4())
            claims["is_anonymous"] = false
        case .anon, .serviceRole:
            claims["iss"] = "supabase"
            if let userID { claims["sub"] = .string(userID) }
        }
        return JWTSigner.signHS256(claims: claims, secret: secret)
    }
}
