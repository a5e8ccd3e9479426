import XCTest
@testable import JSON

final class JSONTests: XCTestCase {
    func testParsesObjectsInOrderWithLastDuplicateWinning() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,null,"x"],"b":2.5}"#)
        XCTAssertEqual(value.objectValue?.keys, ["b", "a"])
        XCTAssertEqual(value["b"], .double(2.5))
        XCTAssertEqual(value["a"], [true, nil, "x"])
    }

    func testIntegersStayIntegers() throws {
        XCTAssertEqual(try JSONParser.parse("42"), .int(42))
        XCTAssertEqual(try JSONParser.parse("-0"), .int(0))
        XCTAssertEqual(try JSONParser.parse("1e2"), .double(100))
        XCTAssertEqual(try JSONParser.parse("99999999999999999999").doubleValue, 1e20)
    }

    func testEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try JSONParser.parse(#""a\n\u00e9\ud83d\ude00\/""#), .string("a\né😀/"))
    }

    func testRejectsMalformedInput() {
        let bad = ["", "{", "{\"a\"}", "[1,]", "01", "1.", "tru", "\"\u{01}\"", "{} x", #""\ud800""#,
                   #""\udc00x""#, "\"\\x\"", "NaN", "[1 2]"]
        for text in bad {
            XCTAssertThrowsError(try JSONParser.parse(text), "accepted \(text.debugDescription)")
        }
    }

    func testRejectsInvalidUTF8() {
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .invalidUTF8)
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]))  // encoded surrogate
    }

    func testEscapesMixedWithMultibyteText() throws {
        XCTAssertEqual(try JSONParser.parse(#""é\n😀\"ü\u00e9x""#), .string("é\n😀\"üéx"))
        // A raw run that stops inside a two-byte character, then an escape: still invalid UTF-8.
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3] + Array(#"\u00a9""#.utf8)))
    }

    func testDepthIsLimited() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertThrowsError(try JSONParser.parse(deep)) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .tooDeep)
        }
        XCTAssertNoThrow(try JSONParser.parse(String(repeating: "[", count: 10) + String(repeating: "]", count: 10)))
    }

    func testSerializesCompactlyWithEscapes() {
        let value: JSONValue = ["error": "Token inválido\n\"x\"\u{01}", "n": 3, "d": 2.5, "z": nil, "l": [false]]
        XCTAssertEqual(value.serialized(), #"{"error":"Token inválido\n\"x\"\u0001","n":3,"d":2.5,"z":null,"l":[false]}"#)
    }

    func testLineSeparatorsAreEscapedAndOtherMultibyteTextKept() {
        XCTAssertEqual(JSONValue.string("a\u{2028}b\u{2029}c\u{2030}€").serialized(), #""a\u2028b\u2029c\#u{2030}€""#)
    }

    func testRoundTrip() throws {
        let text = #"{"a":{"b":[1,2,{"c":"ü"}]},"e":-1.25}"#
        XCTAssertEqual(try JSONParser.parse(text).serialized(), text)
    }

    func testObjectSubscriptRemovesOnNil() {
        var object = JSONObject([("a", 1), ("b", 2)])
        object["a"] = nil
        XCTAssertEqual(object.keys, ["b"])
    }
}
