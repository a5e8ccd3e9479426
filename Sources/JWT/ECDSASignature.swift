import COpenSSL

/// JWS carries ES256 signatures as raw `r || s` (RFC 7518 3.4), libcrypto verifies DER.
enum ECDSASignature {
    static let p256RawLength = 64

    /// The DER ECDSA-Sig-Value for a raw P-256 signature, or nil when it is not exactly 64 bytes.
    /// Any other length is refused outright: accepting DER or padded forms would make a token's
    /// signature malleable.
    static func derFromRawP256(_ raw: [UInt8]) -> [UInt8]? {
        guard raw.count == p256RawLength, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let half = p256RawLength / 2
        guard let r = BN_bin2bn(raw, Int32(half), nil) else { return nil }
        guard let s = raw[half...].withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32(half), nil) }) else {
            BN_free(r)
            return nil
        }
        // On success ECDSA_SIG_set0 takes ownership of both numbers.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
