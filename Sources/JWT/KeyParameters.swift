import COpenSSL

/// Collects OSSL_PARAMs for a public key and turns them into an EVP_PKEY with
/// `EVP_PKEY_fromdata` (the OpenSSL 3 way: the RSA_* and EC_KEY_* setters are deprecated).
///
/// OSSL_PARAM_BLD keeps the pointers it is given (parameter names, strings, BIGNUMs) until
/// `OSSL_PARAM_BLD_to_param` copies them, so Swift's temporary C strings would dangle: this class
/// owns stable copies of everything it pushes, and frees them with the builder.
final class KeyParameters {
    /// EVP_PKEY_PUBLIC_KEY, spelled out because Swift does not import that compound macro.
    private static let publicKeySelection = Int32(OSSL_KEYMGMT_SELECT_PUBLIC_KEY
        | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS)

    private let builder: OpaquePointer?
    private var bigNumbers: [OpaquePointer] = []
    private var buffers: [UnsafeMutableBufferPointer<UInt8>] = []
    private var failed = false

    init() {
        builder = OSSL_PARAM_BLD_new()
        failed = builder == nil
    }

    deinit {
        OSSL_PARAM_BLD_free(builder)
        bigNumbers.forEach { BN_free($0) }
        buffers.forEach { $0.deallocate() }
    }

    /// An unsigned big-endian integer parameter.
    func bigNumber(_ name: String, _ bytes: [UInt8]) -> KeyParameters {
        guard !failed, !bytes.isEmpty, let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            failed = true
            return self
        }
        bigNumbers.append(number)
        failed = OSSL_PARAM_BLD_push_BN(builder, cString(name), number) != 1
        return self
    }

    func utf8String(_ name: String, _ value: String) -> KeyParameters {
        guard !failed else { return self }
        failed = OSSL_PARAM_BLD_push_utf8_string(builder, cString(name), cString(value), 0) != 1
        return self
    }

    func octetString(_ name: String, _ bytes: [UInt8]) -> KeyParameters {
        guard !failed else { return self }
        failed = OSSL_PARAM_BLD_push_octet_string(builder, cString(name), retained(bytes).baseAddress, bytes.count) != 1
        return self
    }

    /// The public key of `type` ("RSA" or "EC"), or nil when any parameter was refused.
    func makeKey(type: String) -> OpaquePointer? {
        defer { ERR_clear_error() }
        guard !failed, let parameters = OSSL_PARAM_BLD_to_param(builder) else { return nil }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, Self.publicKeySelection, parameters) == 1
        else { return nil }
        return key
    }

    /// A copy of `bytes` that lives as long as this object.
    private func retained(_ bytes: [UInt8]) -> UnsafeMutableBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        buffers.append(buffer)
        return buffer
    }

    private func cString(_ text: String) -> UnsafePointer<CChar>? {
        let buffer = retained(Array(text.utf8) + [0])
        return UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
    }
}
