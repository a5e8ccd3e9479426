import Glibc
@testable import FastCGI

/// Any bytes as the CGI parameters of one request: NUL-separated `NAME=value` entries, as
/// libfcgi hands them to the worker. Reading them never traps; every `HTTP_*` header of the
/// plain CGI spelling is found again by its HTTP name, and the request's derived values (method,
/// path, query string) are computed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCGIParameters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let entries = Array(UnsafeBufferPointer(start: data, count: size)).split(separator: 0, omittingEmptySubsequences: false)
    // libfcgi's envp: malloc'd C strings and a NULL at the end.
    var environment: [UnsafeMutablePointer<CChar>?] = entries.map { entry in
        let string = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
        for (offset, byte) in entry.enumerated() { string[offset] = CChar(bitPattern: byte) }
        string[entry.count] = 0
        return string
    }
    environment.append(nil)
    defer { for string in environment { string?.deallocate() } }

    let parameters = environment.withUnsafeMutableBufferPointer { FastCGIWorker.parameters(from: $0.baseAddress) }
    let request = FastCGIRequest(parameters: parameters, body: [])
    _ = (request.method, request.path, request.queryString)
    for (name, value) in parameters where name.hasPrefix("HTTP_") {
        let header = name.dropFirst(5)
        guard !header.isEmpty, header.utf8.allSatisfy({ isUpperCGI($0) }) else { continue }
        let httpName = String(decoding: header.utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : lowercased($0) }, as: UTF8.self)
        guard request.header(httpName) == value else { fatalError("header \(httpName) is not found by its name") }
    }
    return 0
}

private func isUpperCGI(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        || byte == UInt8(ascii: "_")
}

private func lowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}
