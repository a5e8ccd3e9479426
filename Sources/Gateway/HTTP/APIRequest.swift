import FastCGI
import JSON

/// A function call as the actions see it: the decoded body and the few request facts they use.
public struct APIRequest: Sendable {
    public let body: JSONObject
    public let query: [String: String]
    /// The client's address as nginx saw it (nginx's realip module resolves X-Forwarded-For
    /// from trusted proxies only; the service never reads that header itself).
    public let clientAddress: String
    public let authorization: String?
    public let apiKey: String?

    /// A string field of the body; nil when absent, null or not a string.
    public func string(_ name: String) -> String? { body[name]?.stringValue }

    init(fastCGI request: FastCGIRequest, body: JSONObject) {
        self.body = body
        self.query = QueryString.parse(request.queryString)
        let address = request.parameters["REMOTE_ADDR"] ?? ""
        self.clientAddress = address.isEmpty ? "unknown" : address
        self.authorization = request.header("Authorization")
        self.apiKey = request.header("apikey")
    }

    public init(body: JSONObject, query: [String: String] = [:], clientAddress: String = "unknown",
                authorization: String? = nil, apiKey: String? = nil) {
        self.body = body
        self.query = query
        self.clientAddress = clientAddress
        self.authorization = authorization
        self.apiKey = apiKey
    }
}

/// `a=1&b=x%20y` into a dictionary (first occurrence wins; malformed escapes are kept as is).
enum QueryString {
    static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                let high = iterator.next(), low = iterator.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
