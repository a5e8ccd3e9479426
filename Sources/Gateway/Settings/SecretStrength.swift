/// Tells a guessable secret from a random one. A random secret of the required length has many
/// different characters and never repeats a short pattern; a hand-typed one ("aaaa...",
/// "abab...", an all-zero key, one word typed over and over) fails one of these tests. They
/// are deliberately loose: a real random secret must never be refused.
enum SecretStrength {
    /// Why `secret` is too weak, as the end of a sentence that names it; nil when it is fine.
    static func weakness(of secret: [UInt8], minimumDistinctValues: Int) -> String? {
        if let first = secret.first, secret.allSatisfy({ $0 == first }) {
            return first == 0 ? "is all zero bytes" : "is one character repeated"
        }
        if let period = shortestPeriod(of: secret), period <= secret.count / 2 {
            return "repeats a pattern of \(period) characters"
        }
        let distinct = Set(secret).count
        if distinct < minimumDistinctValues {
            return "has only \(distinct) different characters (a random one has far more)"
        }
        return nil
    }

    /// The smallest p such that every element equals the one p places before it.
    private static func shortestPeriod(of bytes: [UInt8]) -> Int? {
        (1..<max(1, bytes.count)).first { period in
            (period..<bytes.count).allSatisfy { bytes[$0] == bytes[$0 - period] }
        }
    }
}
