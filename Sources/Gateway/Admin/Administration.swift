import Crypto
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
        try single("INSERT INTO organizations (name) VALUES ($1) RETURNING id::text AS id", [name])
    }

    public func createUser(organizationID: String, role: String, fullName: String) throws -> String {
        guard UserRole(rawValue: role) != nil else {
            throw Failure(description: "--role must be one of global_admin, org_admin, support, user")
        }
        guard UUIDText.isValid(organizationID) else { throw Failure(description: "--org must be an organization id (a UUID)") }
        do {
            return try single("""
                INSERT INTO profiles (id, organization_id, full_name, role)
                VALUES (gen_random_uuid(), $1::uuid, $2, $3::user_role) RETURNING id::text AS id
                """, [organizationID, fullName, role])
        } catch let error as PostgresError where error.sqlState == "23503" {
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
        return try single("""
            INSERT INTO organization_tailscale_config (id, organization_id, tailscale_auth_key, tags, description)
            VALUES ($1::uuid, $2::uuid, $3, $4::text[], 'stored with nexus-vault org tailscale-key') RETURNING id::text AS id
            """, [id, organizationID, settings.secretsKey.seal(key, for: .organizationAuthKey(configID: id)), tags])
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

    private func single(_ sql: String, _ parameters: [PostgresBindable?]) throws -> String {
        let row = try database.withConnection { try $0.query(sql, parameters).first }
        guard let id = row?["id"] else { throw Failure(description: "the database returned no id") }
        return id
    }
}
