import CurlHTTP
import JWT
import Postgres
import Tailscale

/// What one worker process holds for its whole life, shared by its request threads: settings,
/// a small pool of database connections, the token verifier with its cached keys, the
/// Tailscale client with its one token. Built once at start; nothing here is per request, and
/// everything here is safe to use from several threads at once.
public final class Services: @unchecked Sendable {
    public let settings: Settings
    public let database: Database
    public let authenticator: Authenticator
    public let logger: ServiceLog
    /// Per-host hit counters in shared memory (limits that must not write to the database).
    public let hostCounters = HostCounters()
    /// The Tailscale API client (reused libcurl handles, one cached OAuth token); nil when no
    /// OAuth client is configured.
    public let tailscale: TailscaleClient?

    public init(settings: Settings, logger: ServiceLog) throws {
        self.settings = settings
        self.logger = logger
        let trustedAuthorities = settings.trustedAuthorities
        database = Database(conninfo: settings.databaseURL,
                            statementTimeoutMilliseconds: settings.databaseStatementTimeoutMilliseconds,
                            connectTimeoutSeconds: settings.databaseConnectTimeoutSeconds,
                            poolSize: settings.databasePoolSize)
        let jwks: JWKSSource? = settings.jwt.jwksFile.map { JWKSFile(path: $0) as JWKSSource }
            ?? settings.jwt.jwksURL.map { JWKSURL(url: $0, httpClient: CurlClient(trustedAuthorities: trustedAuthorities)) as JWKSSource }
        authenticator = Authenticator(verifier: try JWTVerifier(
            hmacSecret: settings.jwt.secret, jwks: jwks, issuer: settings.jwt.issuer,
            jwksMaximumAge: Int64(settings.jwt.jwksMaximumAgeSeconds), log: { logger.warning($0) }),
                                      publishableKeys: settings.supabasePublishableKeys)
        tailscale = Self.tailscaleClient(settings.tailscale, trustedAuthorities: trustedAuthorities, logger: logger)
    }

    private static func tailscaleClient(_ settings: Settings.Tailscale, trustedAuthorities: TrustedAuthorities?,
                                        logger: ServiceLog) -> TailscaleClient? {
        guard let clientID = settings.clientID, let clientSecret = settings.clientSecret else { return nil }
        let configuration = TailscaleConfiguration(
            baseURL: settings.apiURL, clientID: clientID, clientSecret: clientSecret, tailnet: settings.tailnet,
            requestTimeoutMilliseconds: settings.requestTimeoutMilliseconds, deadlineMilliseconds: settings.deadlineMilliseconds)
        return TailscaleClient(configuration: configuration, httpClient: CurlClient(trustedAuthorities: trustedAuthorities),
                               log: { logger.warning("tailscale: " + $0) })
    }

    /// The client; `TailscaleError.notConfigured` (the contract's 503) when no OAuth
    /// credentials are configured, the same error the client itself throws then.
    public func requireTailscale() throws(TailscaleError) -> TailscaleClient {
        guard let tailscale else { throw .notConfigured }
        return tailscale
    }
}

/// A JWKS document served over HTTP(S), e.g. `<supabase-url>/auth/v1/.well-known/jwks.json`.
/// Fetched at start, again once the set is `JWT_JWKS_MAX_AGE_SECONDS` old, and when an unknown
/// `kid` shows up (the verifier rate-limits that).
struct JWKSURL: JWKSSource {
    let url: String
    let httpClient: CurlClient

    func loadJWKS() throws -> [UInt8] {
        let response = try httpClient.send(CurlRequest(url: url, headers: [("Accept", "application/json")],
                                                       timeoutMilliseconds: 5000, connectTimeoutMilliseconds: 2000))
        guard response.status == 200 else { throw JWKSError.unreadable }
        return response.body
    }
}
