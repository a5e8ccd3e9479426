import COpenSSL

/// An imported public key (an owned EVP_PKEY) that verifies RS256 or ES256 signatures.
///
/// Safe to use from several threads at once: the key is never changed after import, and each
/// verification works in a digest context of its own.
final class PublicKey {
    enum Kind: Equatable {
        case rsa
        case ecP256

        /// The one algorithm each key type may verify: this pairing is what stops a token from
        /// choosing how its own signature is checked.
        var algorithm: JWTAlgorithm {
            switch self {
            case .rsa: .rs256
            case .ecP256: .es256
            }
        }
    }

    /// Shorter RSA moduli are factorable in practice; such keys are ignored, not trusted.
    static let minimumRSABits: Int32 = 2048

    let kind: Kind
    private let key: OpaquePointer

    private init(kind: Kind, key: OpaquePointer) {
        self.kind = kind
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// An RSA key from its big-endian modulus and public exponent (the JWK's `n` and `e`).
    static func rsa(modulus: [UInt8], exponent: [UInt8]) -> PublicKey? {
        let key = KeyParameters().bigNumber(OSSL_PKEY_PARAM_RSA_N, modulus)
            .bigNumber(OSSL_PKEY_PARAM_RSA_E, exponent)
            .makeKey(type: "RSA")
        guard let key else { return nil }
        guard EVP_PKEY_get_bits(key) >= minimumRSABits else {
            EVP_PKEY_free(key)
            return nil
        }
        return PublicKey(kind: .rsa, key: key)
    }

    /// A P-256 key from its affine coordinates (the JWK's `x` and `y`, 32 bytes each). OpenSSL
    /// refuses a point that is not on the curve, which rules out invalid-curve attacks.
    static func p256(x: [UInt8], y: [UInt8]) -> PublicKey? {
        guard x.count == 32, y.count == 32 else { return nil }
        let uncompressedPoint = [0x04] + x + y
        let key = KeyParameters().utf8String(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1")
            .octetString(OSSL_PKEY_PARAM_PUB_KEY, uncompressedPoint)
            .makeKey(type: "EC")
        return key.map { PublicKey(kind: .ecP256, key: $0) }
    }

    /// Checks a signature over `message` with SHA-256. `signature` is PKCS#1 v1.5 for RSA and
    /// DER-encoded ECDSA-Sig-Value for P-256.
    func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            // A failed verification leaves entries on the thread's error queue; drop them so
            // that they neither pile up nor confuse the next libcrypto caller.
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return signature.withUnsafeBufferPointer { signatureBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count,
                                 messageBuffer.baseAddress, messageBuffer.count) == 1
            }
        }
    }
}
