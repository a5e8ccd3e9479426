/// One HTTP exchange to perform: everything `CurlClient.send` needs, as a value.
public struct CurlRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in order; a repeated name is sent repeatedly.
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// The whole exchange, connect included.
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int
    /// A larger answer fails with `.responseTooLarge` instead of growing the worker without bound.
    public var maximumBodyBytes: Int

    /// The body limit of most exchanges: an API object or a token is a few KiB.
    public static let defaultMaximumBodyBytes = 8 << 20

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeoutMilliseconds: Int = 5000, connectTimeoutMilliseconds: Int = 2000,
        maximumBodyBytes: Int = defaultMaximumBodyBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.maximumBodyBytes = maximumBodyBytes
    }
}
