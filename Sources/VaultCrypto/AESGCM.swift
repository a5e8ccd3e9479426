import COpenSSL

/// AES-256-GCM through libcrypto's EVP interface: the primitive beneath `SecretBox`.
enum AESGCM {
    static let nonceLength = 12
    static let tagLength = 16

    struct Sealed {
        let ciphertext: [UInt8]
        let tag: [UInt8]
    }

    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8]) -> Sealed {
        let context = CipherContext()
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagLength)
        var succeeded = EVP_EncryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce) == 1
            && context.update(EVP_EncryptUpdate, input: associatedData, output: nil)
            && context.update(EVP_EncryptUpdate, input: plaintext, output: &ciphertext)
        var finalLength: Int32 = 0
        succeeded = succeeded
            && EVP_EncryptFinal_ex(context.pointer, nil, &finalLength) == 1
            && EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1
        // Encryption with a valid key and nonce cannot fail short of memory exhaustion.
        precondition(succeeded, "AES-256-GCM encryption failed")
        return Sealed(ciphertext: ciphertext, tag: tag)
    }

    /// The plaintext, or nil when the tag does not authenticate the ciphertext, nonce and
    /// associated data under `key`.
    static func open(_ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8],
                     associatedData: [UInt8]) -> [UInt8]? {
        let context = CipherContext()
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        var expectedTag = tag
        var finalLength: Int32 = 0
        let authentic = EVP_DecryptInit_ex(context.pointer, EVP_aes_256_gcm(), nil, key, nonce) == 1
            && context.update(EVP_DecryptUpdate, input: associatedData, output: nil)
            && context.update(EVP_DecryptUpdate, input: ciphertext, output: &plaintext)
            && EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &expectedTag) == 1
            && EVP_DecryptFinal_ex(context.pointer, nil, &finalLength) == 1
        guard authentic else {
            ERR_clear_error()
            return nil
        }
        return plaintext
    }
}

/// Owns an EVP_CIPHER_CTX for one operation.
private final class CipherContext {
    typealias Update = (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int32>?,
                        UnsafePointer<UInt8>?, Int32) -> Int32

    let pointer: OpaquePointer

    init() {
        guard let pointer = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new failed: out of memory") }
        self.pointer = pointer
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }

    /// Feeds `input` through an EVP update step. GCM is a stream mode, so the output is exactly as
    /// long as the input; a nil `output` feeds associated data.
    func update(_ step: Update, input: [UInt8], output: UnsafeMutablePointer<UInt8>?) -> Bool {
        guard !input.isEmpty else { return true }
        var written: Int32 = 0
        let status = input.withUnsafeBufferPointer { step(pointer, output, &written, $0.baseAddress, Int32($0.count)) }
        return status == 1 && Int(written) == input.count
    }
}
