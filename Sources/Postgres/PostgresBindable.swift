/// Anything bindable as a text-format parameter (`nil` = SQL NULL).
///
/// Every parameter travels in libpq's text format, so the server parses it with the type it
/// inferred for `$n`; that keeps the binding layer free of binary encodings.
public protocol PostgresBindable {
    var postgresText: String? { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "true" : "false" }
}

extension Double: PostgresBindable {
    public var postgresText: String? {
        // The server spells the non-finite values this way; Swift's "inf" would be rejected.
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
}

extension Array: PostgresBindable where Element == String {
    /// A `text[]` literal: every element double-quoted, so commas, braces, spaces and the word
    /// NULL stay data; backslashes and quotes are escaped as the array parser expects.
    public var postgresText: String? {
        var literal = "{"
        for (index, element) in enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }
}
