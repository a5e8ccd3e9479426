/// Why a secret could not be sealed or opened. Deliberately carries no data: neither the key nor
/// the stored value may end up in a log line.
public enum SecretBoxError: Error, Equatable {
    case invalidKey, malformed, authenticationFailed
}

/// Secrets at rest: AES-256-GCM, stored as "enc:v1:" + base64(12-byte nonce || ciphertext || 16-byte tag).
///
/// The prefix doubles as the associated data, so a value sealed under a future "enc:v2:" scheme
/// can never be opened as v1 by accident. Values without the prefix were written in plain text by
/// the portal before encryption existed; `open` returns them unchanged so they keep working.
public struct SecretBox: Sendable {
    public static let prefix = "enc:v1:"
    static let keyLength = 32

    private let key: [UInt8]

    public init(key: [UInt8]) throws(SecretBoxError) {
        guard key.count == Self.keyLength else { throw .invalidKey }
        self.key = key
    }

    /// A key from settings: 64 hex characters, or base64 (standard alphabet) of 32 bytes.
    public init(encodedKey: String) throws(SecretBoxError) {
        let trimmed = encodedKey.trimmingASCIIWhitespace()
        let decoded = trimmed.utf8.count == Self.keyLength * 2 ? Hex.decode(trimmed) : nil
        guard let key = decoded ?? Base64.decode(trimmed) else { throw .invalidKey }
        try self.init(key: key)
    }

    public func seal(_ plaintext: String) -> String {
        let nonce = SecureRandom.bytes(AESGCM.nonceLength)
        let sealed = AESGCM.seal(Array(plaintext.utf8), key: key, nonce: nonce, associatedData: Self.associatedData)
        return Self.prefix + Base64.encode(nonce + sealed.ciphertext + sealed.tag)
    }

    public func open(_ stored: String) throws(SecretBoxError) -> String {
        guard Self.isSealed(stored) else { return stored }
        guard let payload = Base64.decode(String(stored.dropFirst(Self.prefix.count))),
              payload.count >= AESGCM.nonceLength + AESGCM.tagLength
        else { throw .malformed }
        let nonce = Array(payload.prefix(AESGCM.nonceLength))
        let tag = Array(payload.suffix(AESGCM.tagLength))
        let ciphertext = Array(payload[AESGCM.nonceLength..<(payload.count - AESGCM.tagLength)])
        guard let plaintext = AESGCM.open(ciphertext, tag: tag, key: key, nonce: nonce,
                                          associatedData: Self.associatedData)
        else { throw .authenticationFailed }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .malformed }
        return text
    }

    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    private static let associatedData = Array(prefix.utf8)
}

extension String {
    /// Settings files and environment variables often end with a newline; keys never contain spaces.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = utf8.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        return String(decoding: Array(bytes), as: UTF8.self)
    }
}
