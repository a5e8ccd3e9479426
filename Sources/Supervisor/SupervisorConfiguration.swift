/// One kind of child the supervisor keeps alive, `count` of them.
public struct ChildSpec: Sendable, Equatable {
    public var name: String
    public var arguments: [String]
    public var count: Int
    /// FastCGI workers get the listen socket as fd 0; helpers such as the monitor do not.
    public var receivesListenSocket: Bool

    public init(name: String, arguments: [String], count: Int, receivesListenSocket: Bool) {
        self.name = name
        self.arguments = arguments
        self.count = count
        self.receivesListenSocket = receivesListenSocket
    }
}

public struct SupervisorConfiguration: Sendable {
    public var executablePath: String
    public var environment: [String]
    public var children: [ChildSpec]
    /// A worker busy with one request for longer than this is killed and replaced (0: never).
    public var requestTimeoutSeconds: Double
    /// How long a graceful stop waits for in-flight requests before it kills.
    public var gracefulStopSeconds: Double
    /// On reload, how long the old workers keep serving while the new ones start up.
    public var reloadReadyTimeoutSeconds: Double
    /// Where the pool's state is written as JSON once a second (`nexus-vault status` reads it).
    public var statusFile: String?

    public init(executablePath: String, environment: [String], children: [ChildSpec],
                requestTimeoutSeconds: Double, gracefulStopSeconds: Double,
                reloadReadyTimeoutSeconds: Double = 15, statusFile: String? = nil) {
        self.executablePath = executablePath
        self.environment = environment
        self.children = children
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.gracefulStopSeconds = gracefulStopSeconds
        self.reloadReadyTimeoutSeconds = reloadReadyTimeoutSeconds
        self.statusFile = statusFile
    }
}
