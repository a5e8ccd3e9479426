import OperatingSystem

/// Why a secret could not be sealed or opened. Deliberately carries no data: neither the key nor
/// the stored value may end up in a log line.
public enum SecretBoxError: Error, Equatable {
    case invalidKey, malformed, authenticationFailed
}

/// Secrets at rest: AES-256-GCM, stored as "enc:v2:" + base64(12-byte nonce || ciphertext || 16-byte tag).
///
/// The associated data binds a value to where it is stored (table, column, row id): a value
/// copied into another row, or another column, fails to open instead of handing one row's
/// secret to another. `enc:v1:` values (sealed before that binding, with the prefix as their
/// only associated data) still open, wherever they are. Values without a prefix were written
/// in plain text by the portal before encryption existed; `open` returns them unchanged.
public struct SecretBox: Sendable {
    /// The one place a sealed value belongs. The row id is compared case-insensitively
    /// (UUIDs as PostgreSQL prints them, or as a client typed them).
    public struct Location: Sendable, Equatable {
        public let table: String
        public let column: String
        public let rowID: String

        public init(table: String, column: String, rowID: String) {
            self.table = table
            self.column = column
            self.rowID = rowID.lowercased()
        }

        /// NUL-separated (table and column names and row ids never hold one), so no two
        /// locations share a text.
        var associatedData: [UInt8] { Array(SecretBox.prefix.utf8) + Array("\(table)\0\(column)\0\(rowID)".utf8) }
    }

    public static let prefix = "enc:v2:"
    static let legacyPrefix = "enc:v1:"
    static let keyLength = 32

    private let key: [UInt8]

    public init(key: [UInt8]) throws(SecretBoxError) {
        guard key.count == Self.keyLength else { throw .invalidKey }
        self.key = key
    }

    /// A key from settings: 64 hex characters, or base64 (standard alphabet) of 32 bytes.
    public init(encodedKey: String) throws(SecretBoxError) {
        try self.init(key: Self.decodedKey(encodedKey))
    }

    /// The key bytes of `encodedKey` (as `init(encodedKey:)` reads it), for checks on the key itself.
    public static func decodedKey(_ encodedKey: String) throws(SecretBoxError) -> [UInt8] {
        // Settings files and environment variables often end with a newline; keys never contain spaces.
        let trimmed = encodedKey.trimmed(.whitespace)
        let decoded = trimmed.utf8.count == keyLength * 2 ? Hex.decode(trimmed) : nil
        guard let key = decoded ?? Base64.decode(trimmed) else { throw .invalidKey }
        return key
    }

    public func seal(_ plaintext: String, for location: Location) -> String {
        let nonce = SecureRandom.bytes(AESGCM.nonceLength)
        let sealed = AESGCM.seal(Array(plaintext.utf8), key: key, nonce: nonce, associatedData: location.associatedData)
        return Self.prefix + Base64.encode(nonce + sealed.ciphertext + sealed.tag)
    }

    /// The clear text of a value stored at `location`.
    public func open(_ stored: String, at location: Location) throws(SecretBoxError) -> String {
        if stored.hasPrefix(Self.prefix) {
            return try open(payload: stored.dropFirst(Self.prefix.count), associatedData: location.associatedData)
        }
        if stored.hasPrefix(Self.legacyPrefix) {
            return try open(payload: stored.dropFirst(Self.legacyPrefix.count), associatedData: Array(Self.legacyPrefix.utf8))
        }
        return stored
    }

    private func open(payload text: Substring, associatedData: [UInt8]) throws(SecretBoxError) -> String {
        guard let payload = Base64.decode(String(text)), payload.count >= AESGCM.nonceLength + AESGCM.tagLength
        else { throw .malformed }
        let nonce = Array(payload.prefix(AESGCM.nonceLength))
        let tag = Array(payload.suffix(AESGCM.tagLength))
        let ciphertext = Array(payload[AESGCM.nonceLength..<(payload.count - AESGCM.tagLength)])
        guard let plaintext = AESGCM.open(ciphertext, tag: tag, key: key, nonce: nonce, associatedData: associatedData)
        else { throw .authenticationFailed }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .malformed }
        return text
    }

    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) || stored.hasPrefix(legacyPrefix) }
}
