/// Base64 (RFC 4648 section 4) and base64url (section 5) without Foundation.
///
/// Decoding is strict: no whitespace, no characters from the other alphabet, padding only at the
/// end and only as much as the length needs, and unused trailing bits must be zero. Strictness
/// matters for JWTs: a lenient decoder lets several spellings of one signature pass, which
/// defeats replay caches and makes tokens malleable.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String { Base64Alphabet.standard.encode(bytes, padded: true) }
    public static func decode(_ text: String) -> [UInt8]? { Base64Alphabet.standard.decode(text) }
    public static func urlEncode(_ bytes: [UInt8]) -> String { Base64Alphabet.url.encode(bytes, padded: false) }
    public static func urlDecode(_ text: String) -> [UInt8]? { Base64Alphabet.url.decode(text) }
}

/// One of the two 64-character alphabets, with its reverse lookup table.
struct Base64Alphabet {
    static let standard = Base64Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    static let url = Base64Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    private static let invalid: UInt8 = 0xFF
    private static let padding = UInt8(ascii: "=")

    private let characters: [UInt8]
    private let values: [UInt8]

    private init(_ alphabet: String) {
        characters = Array(alphabet.utf8)
        var values = [UInt8](repeating: Self.invalid, count: 256)
        for (value, character) in characters.enumerated() { values[Int(character)] = UInt8(value) }
        self.values = values
    }

    func encode(_ bytes: [UInt8], padded: Bool) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let available = min(3, bytes.count - index)
            let group = UInt32(bytes[index]) << 16
                | (available > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                | (available > 2 ? UInt32(bytes[index + 2]) : 0)
            // n input bytes produce n + 1 significant characters.
            for position in 0...available {
                text.append(characters[Int(group >> (18 - 6 * UInt32(position)) & 0x3F)])
            }
            if padded { text.append(contentsOf: repeatElement(Self.padding, count: 3 - available)) }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    func decode(_ text: String) -> [UInt8]? {
        var input = Array(text.utf8)
        if input.last == Self.padding {
            // Padding, when present, must complete the final group exactly.
            guard input.count.isMultiple(of: 4) else { return nil }
            input.removeLast()
            if input.last == Self.padding { input.removeLast() }
        }
        guard input.count % 4 != 1 else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for character in input {
            let value = values[Int(character)]
            guard value != Self.invalid else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        // Leftover bits belong to no byte; a canonical encoder writes them as zero.
        guard accumulator == 0 else { return nil }
        return bytes
    }
}
