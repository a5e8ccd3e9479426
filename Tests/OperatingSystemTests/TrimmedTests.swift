import OperatingSystem
import XCTest

final class TrimmedTests: XCTestCase {
    func testBlanksAreSpacesAndTabsOnly() {
        XCTAssertEqual(" \t value \t ".trimmed(.blanks), "value")
        XCTAssertEqual("a b".trimmed(.blanks), "a b")
        // Anything else belongs to the value: a line end, a no-break space.
        XCTAssertEqual(" value\r".trimmed(.blanks), "value\r")
        XCTAssertEqual("secret\u{A0}".trimmed(.blanks), "secret\u{A0}")
        XCTAssertEqual(" \t ".trimmed(.blanks), "")
    }

    func testWhitespaceIncludesLineEnds() {
        XCTAssertEqual(" text/html; charset=utf-8\r\n".trimmed(.whitespace), "text/html; charset=utf-8")
        XCTAssertEqual("\tkey\n".trimmed(.whitespace), "key")
        XCTAssertEqual("message\u{A0}\n".trimmed(.whitespace), "message")
        XCTAssertEqual("\r\n".trimmed(.whitespace), "")
        XCTAssertEqual(Substring("  a  b  ").trimmed(.whitespace), "a  b")
    }
}
