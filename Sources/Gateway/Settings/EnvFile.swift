import Glibc
import OperatingSystem

/// Reads `KEY=VALUE` files in the format of systemd's EnvironmentFile and docker's --env-file:
/// `#` comments, blank lines, an optional `export ` prefix, values optionally in single or
/// double quotes (double quotes understand \n, \" and \\).
public enum EnvFile {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws(ParseError) -> [String: String] {
        guard let text = try? FileReader.text(at: path) else { throw ParseError(description: "cannot read env file \(path)") }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "env file") throws(ParseError) -> [String: String] {
        var values: [String: String] = [:]
        // "\r\n" is one Character in Swift: a separator of its own, not "\n" after "\r".
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (number, rawLine) in lines.enumerated() {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(description: "\(source):\(number + 1): expected KEY=VALUE")
            }
            let key = line[..<equals].trimmed(.blanks)
            guard isValidKey(key) else { throw ParseError(description: "\(source):\(number + 1): invalid name \(key.debugDescription)") }
            values[key] = try unquote(line[line.index(after: equals)...].trimmed(.blanks), line: number + 1, source: source)
        }
        return values
    }

    private static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    private static func unquote(_ value: String, line: Int, source: String) throws(ParseError) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'" else {
            // Unquoted: a " #" starts a comment.
            if let comment = value.range(of: " #") { return value[..<comment.lowerBound].trimmed(.blanks) }
            return value
        }
        guard value.count >= 2, value.last == quote else { throw ParseError(description: "\(source):\(line): unterminated quote") }
        let inner = value.dropFirst().dropLast()
        guard quote == "\"" else { return String(inner) }
        var result = ""
        var escaping = false
        for character in inner {
            if escaping {
                result.append(character == "n" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    func range(of needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
