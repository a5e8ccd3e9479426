import VaultCrypto

/// An enrollment token: a random UUID v4 handed to the user once, stored only as its SHA-256.
struct EnrollmentToken {
    /// The secret itself; it goes into one response and nowhere else (no row, no log line).
    let raw: String
    /// What `devices.enrollment_token_hash` holds.
    let hash: String

    /// Longer than any token the service or the portal issues; longer input is not looked up.
    static let maxLength = 255

    static func issue() -> EnrollmentToken { EnrollmentToken(raw: SecureRandom.uuidV4()) }

    private init(raw: String) {
        self.raw = raw
        hash = Digest.sha256Hex(raw)
    }

    /// A token as presented to `verify`. Tokens the portal wrote into `enrollment_token` itself
    /// need not be UUIDs, so the only shape required is printable ASCII of a sane length (a NUL
    /// would also cut the value short in libpq, matching a shorter raw token).
    init?(presented text: String) {
        guard (1...Self.maxLength).contains(text.utf8.count), text.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        self.init(raw: text)
    }
}
