import COpenSSL

/// HMAC-SHA-256 under one key, for authenticating many messages.
///
/// OpenSSL 3 looks algorithms up by name on every one-shot call ("implicit fetch"), which costs
/// more than hashing a whole JWT. This type pays for the lookup once per process and for the key
/// schedule (hashing the padded key) once per key: it keeps a context initialised with the key
/// and only rewinds it to that state before each message.
///
/// Because each call rewinds the one keyed context, an instance must not be used from several
/// threads at once (the gateway's workers are single-threaded processes).
public final class HMACSHA256 {
    public static let macLength = 32

    /// An `EVP_MAC_CTX` holding the key and the digest choice.
    private let context: OpaquePointer

    public init(key: [UInt8]) {
        guard let context = EVP_MAC_CTX_new(HMACAlgorithm.fetched) else {
            fatalError("EVP_MAC_CTX_new failed: out of memory")
        }
        let keyed = key.withNonNullBufferPointer { keyBuffer in
            HMACAlgorithm.withDigestParameters { parameters in
                EVP_MAC_init(context, keyBuffer.baseAddress, keyBuffer.count, parameters) == 1
            }
        }
        // SHA256 always exists in the default provider: only memory exhaustion fails here.
        precondition(keyed, "EVP_MAC_init(HMAC, SHA256) failed")
        self.context = context
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The 32-byte MAC of `data` under this instance's key.
    public func authenticate(_ data: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: Self.macLength)
        var macLength = 0
        let produced = data.withNonNullBufferPointer { input in
            mac.withUnsafeMutableBufferPointer { output in
                // A NULL key re-initialises with the key already set, without hashing it again.
                EVP_MAC_init(context, nil, 0, nil) == 1
                    && EVP_MAC_update(context, input.baseAddress, input.count) == 1
                    && EVP_MAC_final(context, output.baseAddress, &macLength, output.count) == 1
            }
        }
        precondition(produced && macLength == Self.macLength, "HMAC-SHA-256 failed")
        return mac
    }
}

/// The process-wide handle on libcrypto's HMAC implementation.
///
/// Not global mutable state: the `EVP_MAC` is fetched once (Swift initialises a static `let`
/// exactly once, thread-safely) and is immutable afterwards; OpenSSL documents fetched algorithm
/// objects as safe to share between threads. It lives as long as the process, so it is never freed.
private enum HMACAlgorithm {
    static let fetched: OpaquePointer = {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("EVP_MAC_fetch(HMAC) failed: libcrypto has no default provider")
        }
        return mac
    }()

    /// Runs `body` with the `OSSL_PARAM` list that selects SHA-256 as the HMAC digest. The list
    /// points into the C strings, so it is only valid inside `body`.
    static func withDigestParameters<Result>(_ body: (UnsafePointer<OSSL_PARAM>) -> Result) -> Result {
        OSSL_MAC_PARAM_DIGEST.withCString { name in
            "SHA256".withCString { digest in
                // A homogeneous tuple is laid out like a C array: this is the two-element list.
                let parameters = (
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                    OSSL_PARAM_construct_end()
                )
                return withUnsafePointer(to: parameters) { list in
                    list.withMemoryRebound(to: OSSL_PARAM.self, capacity: 2, body)
                }
            }
        }
    }
}
