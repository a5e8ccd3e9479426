import Glibc

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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw JWKSError.unreadable }
        defer { close(descriptor) }

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw JWKSError.unreadable
            }
            contents.append(contentsOf: chunk[..<count])
            guard contents.count <= Self.maximumSize else { throw JWKSError.unreadable }
        }
    }
}
