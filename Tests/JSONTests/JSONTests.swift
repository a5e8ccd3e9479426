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

    func testValuesAreCountedAtEveryDepth() throws {
        let text = #"{"a":[1,{"b":null}],"c":"x"}"#  // object, array, 1, object, null, "x"
        XCTAssertNoThrow(try JSONParser.parse(text, maxValues: 6))
        XCTAssertThrowsError(try JSONParser.parse(text, maxValues: 5)) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .tooManyValues)
        }
    }

    /// `everyElement` hands over a member's elements in order, one at a time, and answers as a
    /// check of `parse`'s result would: the last of a repeated member counts, a missing or
    /// non-array member is a refusal, and what `parse` refuses it refuses with the same error.
    func testEveryElementOfAMemberIsVisitedInOrder() throws {
        func check(_ text: String, accept: (JSONValue) -> Bool = { _ in true }) throws -> Bool {
            try JSONParser.everyElement(ofMember: "devices", in: Array(text.utf8), satisfies: accept)
        }
        var seen: [JSONValue] = []
        XCTAssertTrue(try check(#"{"other": [9], "devices": [1, {"a": [2]}, "x"], "more": {}}"#) { seen.append($0); return true })
        XCTAssertEqual(seen, [1, ["a": [2]], "x"])

        seen = []
        XCTAssertFalse(try check(#"{"devices": [1, 2, 3]}"#) { seen.append($0); return $0 != 2 })
        XCTAssertEqual(seen, [1, 2], "no element is asked about after a refusal")

        XCTAssertTrue(try check(#"{"devices": []}"#))
        XCTAssertFalse(try check(#"{"devices": {}}"#))
        XCTAssertFalse(try check(#"{"nodes": []}"#))
        XCTAssertFalse(try check(#"[{"devices": []}]"#))
        XCTAssertFalse(try check(#"{"devices": [], "devices": null}"#), "the last of a repeated member counts")
        XCTAssertTrue(try check(#"{"devices": 1, "devices": [true]}"#))

        for (text, reason) in [(#"{"devices": [1,]}"#, JSONParseError.Reason.unexpectedByte(UInt8(ascii: "]"))),
                               (#"{"devices": []} x"#, .trailingContent), (#"{"devices": [1"#, .unexpectedEnd),
                               (#"{"devices": [[[]]]}"#, .tooDeep)] {
            XCTAssertThrowsError(try JSONParser.everyElement(ofMember: "devices", in: Array(text.utf8), maxDepth: 3) { _ in true }) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, reason, text)
            }
            XCTAssertThrowsError(try JSONParser.parse(text, maxDepth: 3)) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, reason, text)
            }
        }
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

    // Objects past `JSONObject.indexedFrom` members are indexed: the same answers as a scan.
    func testManyKeysKeepOrderAndLookups() throws {
        let count = 7_600
        let text = "{" + (0..<count).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        let object = try XCTUnwrap(JSONParser.parse(text).objectValue)
        XCTAssertEqual(object.count, count)
        XCTAssertEqual(object.keys, (0..<count).map { "k\($0)" })
        for probe in [0, 1, 15, 16, 17, 4_321, count - 1] {
            XCTAssertEqual(object["k\(probe)"], .int(probe))
        }
        XCTAssertNil(object["k\(count)"])
    }

    func testDuplicateKeysInLargeObjectsBehaveAsInSmallOnes() throws {
        for size in [3, JSONObject.indexedFrom - 1, JSONObject.indexedFrom, 200] {
            let members = (0..<size).map { #""k\#($0)":\#($0)"# } + [#""k0":"last""#, #""k1":null"#]
            let object = try XCTUnwrap(JSONParser.parse("{" + members.joined(separator: ",") + "}").objectValue)
            XCTAssertEqual(object.count, size, "size \(size)")
            XCTAssertEqual(object.keys.first, "k0", "a duplicate keeps the first position")
            XCTAssertEqual(object["k0"], "last", "the last duplicate wins")
            XCTAssertEqual(object["k1"], .null)
        }
    }

    func testRemovingFromAnIndexedObjectKeepsLookupsRight() {
        var object = JSONObject((0..<40).map { ("k\($0)", JSONValue.int($0)) })
        object["k3"] = nil
        object["k39"] = nil
        object["new"] = "x"
        XCTAssertEqual(object.count, 39)
        XCTAssertNil(object["k3"])
        XCTAssertEqual(object["k4"], 4)
        XCTAssertEqual(object["k38"], 38)
        XCTAssertEqual(object["new"], "x")
        XCTAssertEqual(object.keys.last, "new")
        XCTAssertEqual(object, JSONObject(object.members.reversed().map { ($0.key, $0.value) }), "equality ignores order")
    }

    func testLongEscapedStrings() throws {
        let repeats = 20_000
        let escaped = String(repeating: #"a\n\u00e9\"\ud83d\ude00"#, count: repeats)
        XCTAssertEqual(try JSONParser.parse("\"" + escaped + "\""), .string(String(repeating: "a\né\"😀", count: repeats)))
        let onlyEscapes = String(repeating: #"\\"#, count: 30_000)
        XCTAssertEqual(try JSONParser.parse("\"" + onlyEscapes + "\"").stringValue?.utf8.count, 30_000)
        // An invalid byte after many escapes is still found.
        XCTAssertThrowsError(try JSONParser.parse(Array(("\"" + onlyEscapes).utf8) + [0xFF, 0x22])) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .invalidUTF8)
        }
    }
}
