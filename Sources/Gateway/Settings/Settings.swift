import CurlHTTP
import VaultCrypto

/// Every setting of the service, validated once at start (bad settings fail there, not at the
/// first request). `serve`, `worker`, `monitor`, `migrate` and the admin commands all load the
/// same settings through `Settings.load`.
public struct Settings: Sendable {
    public struct JWT: Sendable {
        public var secret: [UInt8]?
        public var jwksFile: String?
        public var jwksURL: String?
        public var issuer: String?
        /// How old the loaded JWKS may get before it is loaded again (a removed key stops
        /// verifying within this time).
        public var jwksMaximumAgeSeconds: Int
    }

    public struct Tailscale: Sendable {
        public var clientID: String?
        public var clientSecret: String?
        public var authKey: String?
        public var tailnet: String
        public var apiURL: String
        public var requestTimeoutMilliseconds: Int
        public var deadlineMilliseconds: Int
        public var hasOAuth: Bool { clientID != nil && clientSecret != nil }
    }

    public struct Pool: Sendable {
        /// `unix:/path`, `HOST:PORT` or `systemd`.
        public var listen: String
        public var socketOwner: String?
        public var socketGroup: String?
        public var socketMode: UInt32
        public var workers: Int
        /// Request threads per worker process (each holds at most one kept nginx connection).
        public var threadsPerWorker: Int
        public var maxRequestsPerWorker: Int
        public var requestTimeoutSeconds: Int
        public var gracefulStopSeconds: Int
        public var statusFile: String?
    }

    public struct Monitor: Sendable {
        public var enabled: Bool
        public var intervalSeconds: Int
        public var offlineAfterSeconds: Int
        /// How old the synced inventory may be before a polling action refreshes it.
        public var inventoryMaxAgeSeconds: Int
        /// Where the monitor process posts each `device_status` notice (nginx's nchan publisher,
        /// the organization id appended); nil: live updates off.
        public var publishURL: String?
    }

    public var databaseURL: String
    public var databaseStatementTimeoutMilliseconds: Int
    public var databaseConnectTimeoutSeconds: Int
    /// PostgreSQL connections each process may open, shared by its request threads.
    public var databasePoolSize: Int
    public var migrationsDirectory: String
    public var jwt: JWT
    public var tailscale: Tailscale
    public var secretsKey: SecretBox
    public var pool: Pool
    public var monitor: Monitor
    /// What `revoke_device` does to the device's node: remove it from the tailnet, or only
    /// expire its key (the machine stays listed, disconnected, until an admin deletes it).
    public var revokedNode: RevokedNodeAction
    public var corsAllowOrigin: String
    public var enrollmentTokenTTLSeconds: Int
    /// Failed `verify` attempts allowed per user and per client address in one window.
    public var verifyFailureLimit: Int
    public var verifyFailureWindowSeconds: Int
    /// Anonymous (`anon` key) `check-device` calls allowed per client address and minute. A
    /// portal page polls a few times a minute; the default leaves room for an office behind one NAT.
    public var anonymousChecksPerMinute: Int
    /// Keys minted through the Tailscale API per user, and per organization, in one hour.
    public var keyMintsPerUserPerHour: Int
    public var keyMintsPerOrganizationPerHour: Int
    /// Supabase publishable keys (`sb_publishable_...`) accepted as the anonymous key.
    public var supabasePublishableKeys: [String]
    /// How many joining devices' keys one inventory refresh asks the API about (bounded, so that
    /// key checks never cost an API call per poll).
    public var keyChecksPerRefresh: Int
    /// `TLS_CA_FILE`'s authorities, trusted for outgoing HTTPS (the Tailscale API, a JWKS URL,
    /// the publisher). Parsed here, as the secrets key is: a process uses the very authorities
    /// that were checked, and each process reads its own settings. Nil: the system's, which
    /// libcurl's clients parse at their first HTTPS call.
    public var trustedAuthorities: TrustedAuthorities?

    /// The effective settings as `NAME=value` lines, secrets masked: for `config check` and logs.
    public private(set) var summary: [(name: String, value: String)] = []
}

/// `REVOCATION_NODE_ACTION`: what a revocation does to the device's tailnet node.
public enum RevokedNodeAction: String, CaseIterable, Sendable {
    case delete, expire
}

public struct SettingsError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid settings:\n" + problems.map { "  - " + $0 }.joined(separator: "\n") }
}

extension Settings {
    /// Loads settings from the process environment over an optional env file (a variable set
    /// in the environment wins over the same name in the file).
    public static func load(environment: [String: String], envFile: String?) throws(SettingsError) -> Settings {
        var values: [String: String] = [:]
        if let envFile {
            do { values = try EnvFile.load(path: envFile) } catch { throw SettingsError(problems: [error.description]) }
        }
        values.merge(environment) { _, fromEnvironment in fromEnvironment }
        var reader = SettingsReader(values: values)
        let settings = read(&reader)
        guard reader.problems.isEmpty, var settings else { throw SettingsError(problems: reader.problems) }
        settings.summary = reader.summary
        return settings
    }

    private static func read(_ r: inout SettingsReader) -> Settings? {
        let databaseURL = r.required("DATABASE_URL", secret: true)
        let jwt = JWT(secret: r.optional("JWT_SECRET", secret: true).map { Array($0.utf8) },
                      jwksFile: r.optional("JWT_JWKS_FILE"), jwksURL: r.optional("JWT_JWKS_URL"),
                      issuer: r.optional("JWT_ISSUER"),
                      jwksMaximumAgeSeconds: r.int("JWT_JWKS_MAX_AGE_SECONDS", default: 600, in: 1...86400))
        if jwt.secret == nil && jwt.jwksFile == nil && jwt.jwksURL == nil {
            r.problem("set JWT_SECRET (HS256) and/or JWT_JWKS_FILE or JWT_JWKS_URL (RS256/ES256): no token could be verified")
        }
        if let secret = jwt.secret {
            if secret.count < 32 {
                r.problem("JWT_SECRET must be at least 32 characters")
            } else if let weakness = SecretStrength.weakness(of: secret, minimumDistinctValues: 8) {
                r.problem("JWT_SECRET \(weakness): anyone who guesses it can sign service_role tokens; use the project's own secret")
            }
        }
        let tailscale = Tailscale(
            clientID: r.optional("TAILSCALE_CLIENT_ID"), clientSecret: r.optional("TAILSCALE_CLIENT_SECRET", secret: true),
            authKey: r.optional("TAILSCALE_AUTH_KEY", secret: true), tailnet: r.string("TAILSCALE_TAILNET", default: "-"),
            apiURL: r.url("TAILSCALE_API_URL", default: "https://api.tailscale.com"),
            requestTimeoutMilliseconds: r.int("TAILSCALE_REQUEST_TIMEOUT_MS", default: 3000, in: 100...60000),
            deadlineMilliseconds: r.int("TAILSCALE_DEADLINE_MS", default: 8000, in: 100...120_000))
        if (tailscale.clientID == nil) != (tailscale.clientSecret == nil) {
            r.problem("TAILSCALE_CLIENT_ID and TAILSCALE_CLIENT_SECRET go together: set both or neither")
        }
        let secretsKey = r.secretBox("SECRETS_ENCRYPTION_KEY")
        let workers = r.int("WORKERS", default: SettingsReader.processorCount, in: 1...256)
        let requestTimeout = r.int("REQUEST_TIMEOUT_SECONDS", default: 30, in: 1...3600)
        let pool = Pool(
            // A unix socket by default: nginx reaches it by file permissions, whereas any local
            // process could speak FastCGI to a TCP port (and forge REMOTE_ADDR).
            listen: r.listen("FCGI_LISTEN", default: "unix:/run/nexus-vault/fcgi.sock"),
            socketOwner: r.optional("FCGI_SOCKET_OWNER"), socketGroup: r.optional("FCGI_SOCKET_GROUP"),
            socketMode: r.octal("FCGI_SOCKET_MODE", default: 0o660),
            workers: workers,
            threadsPerWorker: r.int("WORKER_THREADS", default: 32, in: 1...256),
            maxRequestsPerWorker: r.int("WORKER_MAX_REQUESTS", default: 100_000, in: 0...100_000_000),
            requestTimeoutSeconds: requestTimeout,
            gracefulStopSeconds: r.int("GRACEFUL_STOP_SECONDS", default: requestTimeout + 5, in: 1...3600),
            statusFile: r.optional("STATUS_FILE"))
        let monitor = Monitor(
            enabled: r.bool("MONITOR_ENABLED", default: true),
            intervalSeconds: r.int("MONITOR_INTERVAL_SECONDS", default: 30, in: 1...3600),
            offlineAfterSeconds: r.int("DEVICE_OFFLINE_AFTER_SECONDS", default: 120, in: 1...86400),
            inventoryMaxAgeSeconds: r.int("INVENTORY_MAX_AGE_SECONDS", default: 5, in: 1...3600),
            publishURL: r.optional("MONITOR_PUBLISH_URL").map { r.url("MONITOR_PUBLISH_URL", $0) })
        let settings = Settings(
            databaseURL: databaseURL ?? "",
            databaseStatementTimeoutMilliseconds: r.int("DB_STATEMENT_TIMEOUT_MS", default: 5000, in: 100...600_000),
            databaseConnectTimeoutSeconds: r.int("DB_CONNECT_TIMEOUT_SECONDS", default: 2, in: 1...60),
            databasePoolSize: r.int("DB_POOL_SIZE", default: 4, in: 1...256),
            migrationsDirectory: r.string("NEXUS_MIGRATIONS_DIR", default: "migrations"),
            jwt: jwt, tailscale: tailscale, secretsKey: secretsKey ?? SettingsReader.placeholderBox,
            pool: pool, monitor: monitor,
            revokedNode: r.choice("REVOCATION_NODE_ACTION", default: RevokedNodeAction.delete),
            corsAllowOrigin: r.string("CORS_ALLOW_ORIGIN", default: "*"),
            enrollmentTokenTTLSeconds: r.int("ENROLLMENT_TOKEN_TTL_HOURS", default: 24, in: 1...720) * 3600,
            verifyFailureLimit: r.int("VERIFY_FAILURE_LIMIT", default: 10, in: 1...100_000),
            verifyFailureWindowSeconds: r.int("VERIFY_FAILURE_WINDOW_SECONDS", default: 900, in: 1...86400),
            anonymousChecksPerMinute: r.int("ANONYMOUS_CHECKS_PER_MINUTE", default: 600, in: 1...100_000_000),
            keyMintsPerUserPerHour: r.int("KEY_MINTS_PER_USER_PER_HOUR", default: 30, in: 1...100_000),
            keyMintsPerOrganizationPerHour: r.int("KEY_MINTS_PER_ORGANIZATION_PER_HOUR", default: 300, in: 1...1_000_000),
            supabasePublishableKeys: r.publishableKeys("SUPABASE_PUBLISHABLE_KEYS"),
            keyChecksPerRefresh: r.int("TAILSCALE_KEY_CHECKS_PER_REFRESH", default: 10, in: 0...1000),
            trustedAuthorities: r.trustedAuthorities("TLS_CA_FILE"))
        return r.problems.isEmpty ? settings : nil
    }
}
