@testable import VaultCrypto

/// Decoding is strict, so it is the inverse of encoding both ways: text that decodes is the
/// canonical encoding of what it decodes to (padding aside: optional on input), and any bytes
/// encode to text that decodes back to them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase64(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: input, as: UTF8.self)

    if let decoded = Base64.decode(text) {
        check(unpadded(Base64.encode(decoded)) == unpadded(text), "standard decoding accepted a non-canonical text")
    }
    if let decoded = Base64.urlDecode(text) {
        check(Base64.urlEncode(decoded) == unpadded(text), "base64url decoding accepted a non-canonical text")
        check(Base64.urlDecode(input[...]) == decoded, "the byte and String entry points disagree")
    } else {
        check(Base64.urlDecode(input[...]) == nil, "the byte and String entry points disagree")
    }
    check(Base64.decode(Base64.encode(input)) == input, "standard round trip lost bytes")
    check(Base64.urlDecode(Base64.urlEncode(input)) == input, "base64url round trip lost bytes")
    return 0
}

private func unpadded(_ text: String) -> Substring {
    var text = Substring(text)
    while text.last == "=" { text.removeLast() }
    return text
}

private func check(_ condition: Bool, _ message: StaticString) {
    if !condition { fatalError("\(message)") }
}
