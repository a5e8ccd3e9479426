/// A complete response: status, headers and the whole body.
public struct CurlResponse: Sendable {
    public let status: Int
    /// Lower-cased names. A header sent more than once has its values joined with ", ".
    public let headers: [String: String]
    public let body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
