/// One HTTP exchange to perform: everything `HTTPClient.send` needs, as a value.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Sent in order; a repeated name is sent repeatedly.
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// The whole exchange, connect included.
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeoutMilliseconds: Int = 5000, connectTimeoutMilliseconds: Int = 2000
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }
}
