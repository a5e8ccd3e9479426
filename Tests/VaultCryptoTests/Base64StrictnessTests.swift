import XCTest
@testable import VaultCrypto

/// The table-driven decoder must accept and refuse exactly what the straightforward one did:
/// JWT verification relies on one spelling per signature.
final class Base64StrictnessTests: XCTestCase {
    /// Characters chosen to hit every rule: zero and non-zero trailing bits (A=0, Q=16, w=48, 8=60),
    /// both alphabets' extra characters, padding, and a character in neither alphabet.
    private static let symbols: [UInt8] = Array("AQw8-_+/=.".utf8)

    func testAgreesWithTheReferenceDecoderOnEveryShortInput() {
        var inputs: [[UInt8]] = [[]]
        var previousLength: [[UInt8]] = [[]]
        for _ in 1...5 {
            previousLength = previousLength.flatMap { prefix in Self.symbols.map { prefix + [$0] } }
            inputs += previousLength
        }
        for input in inputs {
            let text = String(decoding: input, as: UTF8.self)
            XCTAssertEqual(Base64.urlDecode(text), referenceDecode(input, alphabet: Self.url), text)
            XCTAssertEqual(Base64.urlDecode(input[...]), referenceDecode(input, alphabet: Self.url), text)
            XCTAssertEqual(Base64.decode(text), referenceDecode(input, alphabet: Self.standard), text)
        }
    }

    func testDecodesPartsOfALargerBuffer() {
        let token = Array("eyJhbGciOiJIUzI1NiJ9.e30.-_8".utf8)
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        XCTAssertEqual(Base64.urlDecode(parts[0]), Array(#"{"alg":"HS256"}"#.utf8))
        XCTAssertEqual(Base64.urlDecode(parts[1]), Array("{}".utf8))
        XCTAssertEqual(Base64.urlDecode(parts[2]), [0xFB, 0xFF])
        XCTAssertEqual(Base64.urlDecode(token[...]), nil)
    }

    // The decoder as it was before the lookup-table rewrite, kept as the specification.
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private func referenceDecode(_ text: [UInt8], alphabet: [UInt8]) -> [UInt8]? {
        let padding = UInt8(ascii: "=")
        var input = text
        if input.last == padding {
            guard input.count.isMultiple(of: 4) else { return nil }
            input.removeLast()
            if input.last == padding { input.removeLast() }
        }
        guard input.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        var accumulator: UInt32 = 0
        var bitCount = 0
        for character in input {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
                accumulator &= (1 << UInt32(bitCount)) - 1
            }
        }
        return accumulator == 0 ? bytes : nil
    }
}
