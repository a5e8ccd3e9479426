import OperatingSystem

/// Where a JWKS document comes from. The Gateway supplies a URL fetcher built on libcurl.
public protocol JWKSSource: Sendable {
    func loadJWKS() throws -> [UInt8]
}

/// A JWKS document in a local file, read with plain POSIX calls.
public struct JWKSFile: JWKSSource {
    /// A JWKS holds a handful of public keys; anything much larger is not one.
    static let maximumSize = 1 << 20

    public let path: String

    public init(path: String) { self.path = path }

    public func loadJWKS() throws -> [UInt8] {
        do { return try FileReader.bytes(at: path, limit: Self.maximumSize) } catch { throw JWKSError.unreadable }
    }
}
