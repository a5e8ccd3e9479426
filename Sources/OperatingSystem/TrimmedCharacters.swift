/// Which characters `trimmed(_:)` removes from both ends of a text.
public enum TrimmedCharacters: Sendable {
    /// Spaces and tabs: the blanks around a value in a settings line, a list or a header field,
    /// where any other character (a no-break space at the end of a password) is the value's own.
    case blanks
    /// Every whitespace character, line ends included (`Character.isWhitespace`): the newline
    /// at the end of a key file or of a message, the CRLF of a header line.
    case whitespace

    func contains(_ character: Character) -> Bool {
        switch self {
        case .blanks: character == " " || character == "\t"
        case .whitespace: character.isWhitespace
        }
    }
}

extension StringProtocol {
    /// The text without `characters` at either end. Character by character: "\r\n" is one
    /// Character in Swift, and it is whitespace.
    public func trimmed(_ characters: TrimmedCharacters) -> String {
        // Most texts (a header value, a token) start and end with a visible ASCII character:
        // then neither end is trimmed, and no Character needs to be formed (a grapheme
        // cluster that ends in such a byte begins with a scalar that is not whitespace).
        let text = String(self)
        if let head = text.utf8.first, let tail = text.utf8.last, (0x21...0x7E).contains(head), (0x21...0x7E).contains(tail) {
            return text
        }
        guard let first = firstIndex(where: { !characters.contains($0) }),
              let last = lastIndex(where: { !characters.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
