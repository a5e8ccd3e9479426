/// Why a document was refused. The position is a byte offset, for logs and tests only.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case unexpectedEnd, unexpectedByte(UInt8), invalidUTF8, invalidEscape, invalidNumber,
             controlCharacterInString, tooDeep, tooManyValues, trailingContent
    }
    public let reason: Reason
    public let offset: Int
    public var description: String { "JSON \(reason) at byte \(offset)" }
}

/// A strict RFC 8259 parser over bytes: the input must be valid UTF-8, strings may not hold raw
/// control characters or lone surrogates (PostgreSQL text cannot store them), and nesting is
/// limited so that a hostile body cannot exhaust the stack. Parsing costs time linear in the
/// input; `maxValues` bounds it further for input whose legitimate shape is small.
public struct JSONParser {
    public static let defaultMaxDepth = 64

    /// - Parameter maxValues: how many values (scalars, arrays, objects, at any depth; object
    ///   keys not counted) the document may hold.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                             maxValues: Int = .max) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, maxValues: maxValues)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error(.trailingContent) }
        return value
    }

    /// Parses `bytes` as `parse` does, but hands each element of the top-level object's array
    /// member `member` to `accept` as soon as it is read, and keeps none of them: a list of
    /// many elements is checked with one element's tree in memory at a time, not the whole
    /// document's. Throws what `parse` would throw. Answers true when the document is an object
    /// whose `member` is an array of which `accept` took every element; of a repeated member, the
    /// last one counts, as the last one is what `parse` keeps.
    public static func everyElement(ofMember member: String, in bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                                    satisfies accept: (JSONValue) -> Bool) throws(JSONParseError) -> Bool {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, maxValues: .max)
        parser.skipWhitespace()
        let accepted: Bool
        if try parser.peek() == UInt8(ascii: "{") {
            accepted = try parser.visitObject(member: member, accept)
        } else {
            _ = try parser.parseValue(depth: 0)
            accepted = false
        }
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error(.trailingContent) }
        return accepted
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth,
                             maxValues: Int = .max) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth, maxValues: maxValues)
    }

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var valuesLeft: Int
    private var index = 0

    private init(bytes: [UInt8], maxDepth: Int, maxValues: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.valuesLeft = maxValues
    }

    private func error(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(reason: reason, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONParseError) -> UInt8 {
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        return bytes[index]
    }

    private mutating func expect(_ literal: StaticString) throws(JSONParseError) {
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in text {
            guard try peek() == byte else { throw error(.unexpectedByte(bytes[index])) }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < maxDepth else { throw error(.tooDeep) }
        guard valuesLeft > 0 else { throw error(.tooManyValues) }
        valuesLeft -= 1
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case let byte: throw error(.unexpectedByte(byte))
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        var object = JSONObject()
        if try opensEmpty(closedBy: UInt8(ascii: "}")) { return .object(object) }
        repeat {
            let key = try parseKey()
            object[key] = try parseValue(depth: depth + 1)
        } while try !closes(UInt8(ascii: "}"))
        return .object(object)
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        if try opensEmpty(closedBy: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
        } while try !closes(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// `parseObject` for `everyElement`: the members are read and dropped, `member`'s elements
    /// handed to `accept` one by one.
    private mutating func visitObject(member: String, _ accept: (JSONValue) -> Bool) throws(JSONParseError) -> Bool {
        guard maxDepth > 0 else { throw error(.tooDeep) }
        valuesLeft -= 1
        var accepted = false
        if try opensEmpty(closedBy: UInt8(ascii: "}")) { return accepted }
        repeat {
            let key = try parseKey()
            if key == member, try peek() == UInt8(ascii: "[") {
                accepted = try visitArray(accept)
            } else {
                _ = try parseValue(depth: 1)
                if key == member { accepted = false }
            }
        } while try !closes(UInt8(ascii: "}"))
        return accepted
    }

    /// The array of `visitObject`'s member: every element is still parsed (the document must be
    /// valid to the end), `accept` asked until it refuses one.
    private mutating func visitArray(_ accept: (JSONValue) -> Bool) throws(JSONParseError) -> Bool {
        guard maxDepth > 1 else { throw error(.tooDeep) }
        valuesLeft -= 1
        var accepted = true
        if try opensEmpty(closedBy: UInt8(ascii: "]")) { return accepted }
        repeat {
            skipWhitespace()
            let element = try parseValue(depth: 2)
            if accepted { accepted = accept(element) }
        } while try !closes(UInt8(ascii: "]"))
        return accepted
    }

    /// Steps over a container's opening byte; true when `closing` follows at once (then
    /// consumed too).
    private mutating func opensEmpty(closedBy closing: UInt8) throws(JSONParseError) -> Bool {
        index += 1
        skipWhitespace()
        guard try peek() == closing else { return false }
        index += 1
        return true
    }

    /// A member's key and its colon, with the whitespace around them.
    private mutating func parseKey() throws(JSONParseError) -> String {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "\"") else { throw error(.unexpectedByte(bytes[index])) }
        let key = try parseString()
        skipWhitespace()
        try expect(":")
        skipWhitespace()
        return key
    }

    /// After a member or an element: true when `closing` ends the container (consumed), false
    /// after a comma.
    private mutating func closes(_ closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: ","): index += 1; return false
        case closing: index += 1; return true
        case let byte: throw error(.unexpectedByte(byte))
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isIntegral = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isIntegral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isIntegral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isIntegral, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { throw error(.invalidNumber) }
        return .double(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Strings without escapes (nearly all of them) are validated and copied in one step; an
    /// escape switches to collecting bytes in one buffer that every later run and escape is
    /// appended to in place, validated as a whole at the end (so a raw run that stops inside a
    /// multi-byte character is still refused).
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        var escaped = false
        var collected: [UInt8] = []  // allocates nothing until the first escape
        var runStart = index
        var highBits: UInt8 = 0  // every raw byte ORed: below 0x80, the string is ASCII
        while true {
            let byte = try peek()
            switch byte {
            case UInt8(ascii: "\""):
                let text: String?
                if escaped {
                    collected.append(contentsOf: bytes[runStart..<index])
                    text = String(validating: collected, as: UTF8.self)
                } else if highBits < 0x80 {
                    // ASCII is valid UTF-8: no validation (generic, hence costly) needed.
                    text = String(decoding: bytes[start..<index], as: UTF8.self)
                } else {
                    text = String(validating: bytes[start..<index], as: UTF8.self)
                }
                guard let text else { throw JSONParseError(reason: .invalidUTF8, offset: start) }
                index += 1
                return text
            case UInt8(ascii: "\\"):
                escaped = true
                collected.append(contentsOf: bytes[runStart..<index])
                index += 1
                collected.append(contentsOf: try parseEscape().utf8)
                runStart = index
            case 0x00..<0x20:
                throw error(.controlCharacterInString)
            default:
                // The run of plain bytes up to the next quote, backslash or control character,
                // in one tight pass (most strings are one run).
                let from = index
                index = bytes.withUnsafeBufferPointer { buffer in
                    var position = from
                    while position < buffer.count {
                        let plain = buffer[position]
                        if plain == UInt8(ascii: "\"") || plain == UInt8(ascii: "\\") || plain < 0x20 { break }
                        highBits |= plain
                        position += 1
                    }
                    return position
                }
            }
        }
    }

    private mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        let byte = try peek()
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800...0xDBFF).contains(high) {
                guard try peek() == UInt8(ascii: "\\") else { throw error(.invalidEscape) }
                index += 1
                guard try peek() == UInt8(ascii: "u") else { throw error(.invalidEscape) }
                index += 1
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidEscape) }
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw error(.invalidEscape) }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error(.invalidEscape) }  // lone low surrogate
            return scalar
        default:
            throw error(.invalidEscape)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try peek()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidEscape)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
