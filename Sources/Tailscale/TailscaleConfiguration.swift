/// Where and how to reach the Tailscale API, and how long a call may take.
public struct TailscaleConfiguration: Sendable {
    /// e.g. `https://api.tailscale.com`, or the simulator on loopback.
    public var baseURL: String
    public var clientID: String
    public var clientSecret: String
    /// `-` means the OAuth client's own tailnet.
    public var tailnet: String
    /// Upper bound for one HTTP attempt (shrunk further to the time left before the deadline).
    public var requestTimeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int
    /// The whole call, token fetch, retries and back-off sleeps included; never exceeded.
    public var deadlineMilliseconds: Int
    /// HTTP attempts per exchange, the first one included.
    public var maxAttempts: Int
    /// Exponential back-off: attempt n waits a random time in 0...min(cap, base * 2^(n-1)).
    public var backoffBaseMilliseconds: Int
    public var backoffCapMilliseconds: Int

    public init(
        baseURL: String = "https://api.tailscale.com", clientID: String, clientSecret: String,
        tailnet: String = "-", requestTimeoutMilliseconds: Int = 4000, connectTimeoutMilliseconds: Int = 2000,
        deadlineMilliseconds: Int = 8000, maxAttempts: Int = 3,
        backoffBaseMilliseconds: Int = 200, backoffCapMilliseconds: Int = 2000
    ) {
        self.baseURL = baseURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tailnet = tailnet
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.deadlineMilliseconds = deadlineMilliseconds
        self.maxAttempts = maxAttempts
        self.backoffBaseMilliseconds = backoffBaseMilliseconds
        self.backoffCapMilliseconds = backoffCapMilliseconds
    }

    /// Both OAuth credentials are present.
    public var isConfigured: Bool { !clientID.isEmpty && !clientSecret.isEmpty }
}

extension TailscaleConfiguration: CustomStringConvertible {
    /// Safe to log: the client secret is never printed.
    public var description: String {
        "TailscaleConfiguration(baseURL: \(baseURL), clientID: \(clientID), clientSecret: <redacted>, tailnet: \(tailnet))"
    }
}
