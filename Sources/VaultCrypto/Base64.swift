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

    /// Decodes base64url text given as its UTF-8 bytes, such as one part of a JWT, without
    /// making a String of it first.
    public static func urlDecode(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
        utf8.withUnsafeBufferPointer(Base64Alphabet.url.decode)
    }
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
        // Native strings are contiguous UTF-8; only a foreign (bridged) string needs the copy.
        text.utf8.withContiguousStorageIfAvailable(decode) ?? Array(text.utf8).withUnsafeBufferPointer(decode)
    }

    func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let length = Self.unpaddedLength(input) else { return nil }
        let fullGroups = length / 4
        let tailCount = length % 4
        // One leftover character carries 6 bits: not even one byte.
        guard tailCount != 1 else { return nil }

        // Every valid value is below 64, so one OR over all looked-up values says whether any
        // character was outside the alphabet: the loop needs no branch per character.
        var seen: UInt8 = 0
        let bytes = values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: length * 3 / 4) { output, written in
                func sextets(at start: Int, count: Int) -> UInt32 {
                    var group: UInt32 = 0
                    for offset in 0..<count {
                        let value = values[Int(input[start + offset])]
                        seen |= value
                        group = group << 6 | UInt32(value)
                    }
                    return group
                }
                for groupIndex in 0..<fullGroups {
                    let group = sextets(at: groupIndex * 4, count: 4)
                    output[written] = UInt8(truncatingIfNeeded: group >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: group)
                    written += 3
                }
                guard tailCount > 0 else { return }
                // Two characters make one byte and three make two. The 4 or 2 bits left over
                // belong to no byte, and a canonical encoder writes them as zero.
                let tail = sextets(at: fullGroups * 4, count: tailCount)
                let leftoverBits = UInt32(6 * tailCount % 8)
                if tail & ((1 << leftoverBits) - 1) != 0 { seen = Self.invalid }
                for shift in stride(from: 8 * (tailCount - 2), through: 0, by: -8) {
                    output[written] = UInt8(truncatingIfNeeded: tail >> (leftoverBits + UInt32(shift)))
                    written += 1
                }
            }
        }
        return seen < 64 ? bytes : nil
    }

    /// The length without its padding, or nil when the padding is misplaced. Padding is optional,
    /// but when present it must complete the final group exactly.
    private static func unpaddedLength(_ input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard input.last == padding else { return input.count }
        guard input.count.isMultiple(of: 4) else { return nil }
        // A third "=" stays in and is refused as a character outside the alphabet.
        return input[input.count - 2] == padding ? input.count - 2 : input.count - 1
    }
}
