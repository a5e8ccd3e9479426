import COpenSSL

/// Randomness from libcrypto's CSPRNG, for nonces, tokens and identifiers.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        // A failing CSPRNG must never degrade into predictable secrets: stop the process instead.
        precondition(status == 1, "RAND_bytes failed")
        return bytes
    }

    /// A random (version 4, RFC 9562) UUID in its lowercase 8-4-4-4-12 text form.
    public static func uuidV4() -> String {
        var raw = bytes(16)
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        let hex = Array(Hex.encode(raw).utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            text.append(character)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
