import Gateway

/// Any text: the env-file reader returns settings or a `ParseError`, never traps or hangs.
/// Whatever it returns must read back the same when written out the way the reader documents
/// (each value double-quoted with `\`, `"` and newlines escaped).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let values = try? EnvFile.parse(text) else { return 0 }
    let written = values.map { key, value in "\(key)=\"\(quoted(value))\"" }.joined(separator: "\n")
    guard let reread = try? EnvFile.parse(written), reread == values else {
        fatalError("settings do not read back as written")
    }
    return 0
}

private func quoted(_ value: String) -> String {
    var result = ""
    for character in value {
        switch character {
        case "\\": result += "\\\\"
        case "\"": result += "\\\""
        case "\n": result += "\\n"
        default: result.append(character)
        }
    }
    return result
}
