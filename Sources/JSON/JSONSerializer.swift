extension JSONValue {
    /// Compact JSON text. Non-ASCII characters are written as UTF-8, control characters escaped.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes: what goes on the wire, built without intermediate Strings
    /// (this runs for every answer and every access-log line).
    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output)
        return output
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value): output.append(contentsOf: Self.format(value).utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                Self.writeMember(member.key, member.value, first: position == 0, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// An object's compact JSON from members as given, for a writer whose keys are its own and
    /// distinct (the access log, once per request): no `JSONObject` is built, so no key is
    /// looked up. Keys given twice would both be written.
    public static func serializedObjectBytes(_ members: [(String, JSONValue)], reservingCapacity capacity: Int = 256) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        output.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            writeMember(member.0, member.1, first: position == 0, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static func writeMember(_ key: String, _ value: JSONValue, first: Bool, to output: inout [UInt8]) {
        if !first { output.append(UInt8(ascii: ",")) }
        writeString(key, to: &output)
        output.append(UInt8(ascii: ":"))
        value.write(to: &output)
    }

    private static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }  // JSON has no NaN or infinity
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Bytes that need more than copying: the quote, the backslash, control characters, and
    /// the lead byte of U+2028/U+2029.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2
    }

    private static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { bytes in
            if bytes.contains(where: needsEscape) {
                writeEscaped(bytes, to: &output)
            } else {
                output.append(contentsOf: bytes)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case UInt8(ascii: "\n"): output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            case 0xE2 where index + 1 < bytes.count && bytes[index] == 0x80 && (bytes[index + 1] == 0xA8 || bytes[index + 1] == 0xA9):
                // U+2028 and U+2029 are valid JSON but break JavaScript string literals.
                output.append(contentsOf: Array("\\u202".utf8) + [bytes[index + 1] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")])
                index += 2
            default: output.append(byte)
            }
        }
    }
}
