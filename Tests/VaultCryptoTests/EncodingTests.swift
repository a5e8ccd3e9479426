import XCTest
@testable import VaultCrypto

final class EncodingTests: XCTestCase {
    // RFC 4648 section 10.
    private let rfcVectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                              ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]

    func testBase64MatchesRFC4648() {
        for (plain, encoded) in rfcVectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
            let unpadded = String(encoded.prefix { $0 != "=" })
            XCTAssertEqual(Base64.decode(unpadded), Array(plain.utf8), "padding is optional")
            XCTAssertEqual(Base64.urlEncode(Array(plain.utf8)), unpadded)
        }
    }

    func testRoundTripsEveryLengthAndByte() {
        let allBytes = (0...255).map(UInt8.init)
        for length in 0...70 {
            let bytes = Array(allBytes.shuffled().prefix(length))
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes)
            XCTAssertEqual(Base64.urlDecode(Base64.urlEncode(bytes)), bytes)
        }
        XCTAssertEqual(Base64.urlDecode(Base64.urlEncode(allBytes)), allBytes)
        XCTAssertEqual(Base64.encode([0xFB, 0xFF]), "+/8=")
        XCTAssertEqual(Base64.urlEncode([0xFB, 0xFF]), "-_8")
    }

    func testBase64RejectsBadInput() {
        let bad = ["Z", "Zg=", "Zg===", "Z===", "====", "Zm9v YmFy", "Zm9v\n", "Zm9-", "Zm9_", "Zh==", "Zm9=Zm9v", "é"]
        for text in bad { XCTAssertNil(Base64.decode(text), "accepted \(text.debugDescription)") }
    }

    func testBase64URLRejectsTheStandardAlphabet() {
        XCTAssertNil(Base64.urlDecode("+/8"))
        XCTAssertNil(Base64.urlDecode("-_8."))
        XCTAssertNil(Base64.urlDecode("-_9"), "non-zero trailing bits")
        XCTAssertEqual(Base64.urlDecode("-_8="), [0xFB, 0xFF], "padding is optional but allowed")
    }

    func testHex() {
        XCTAssertEqual(Hex.encode([0x00, 0xAB, 0xFF]), "00abff")
        XCTAssertEqual(Hex.decode("00ABff"), [0x00, 0xAB, 0xFF])
        XCTAssertEqual(Hex.decode(""), [])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
    }
}
