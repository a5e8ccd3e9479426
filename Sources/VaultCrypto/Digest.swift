import COpenSSL

/// One-shot message digests and MACs from libcrypto.
public enum Digest {
    public static let sha256Length = 32

    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: sha256Length)
        let succeeded = data.withNonNullBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, nil, EVP_sha256(), nil) == 1
            }
        }
        // Only an allocation failure inside libcrypto can get here; there is no sane fallback.
        precondition(succeeded, "EVP_Digest(SHA-256) failed")
        return digest
    }

    /// Lowercase hex of the SHA-256 of the UTF-8 bytes of `text` (how API keys are stored).
    public static func sha256Hex(_ text: String) -> String {
        Hex.encode(sha256(Array(text.utf8)))
    }

    /// One-shot HMAC-SHA-256; callers with a fixed key should keep an `HMACSHA256` instead.
    public static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticate(data)
    }
}
