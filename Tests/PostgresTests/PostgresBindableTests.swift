import Postgres
import XCTest

final class PostgresBindableTests: XCTestCase {
    func testScalarsUseTheServersTextFormat() {
        XCTAssertEqual("abc".postgresText, "abc")
        XCTAssertEqual(42.postgresText, "42")
        XCTAssertEqual(Int64(-7).postgresText, "-7")
        XCTAssertEqual(true.postgresText, "true")
        XCTAssertEqual(false.postgresText, "false")
        XCTAssertEqual(1.5.postgresText, "1.5")
        XCTAssertEqual(Double.infinity.postgresText, "Infinity")
        XCTAssertEqual(Double.nan.postgresText, "NaN")
        XCTAssertNil(Optional<String>.none.postgresText)
        XCTAssertEqual(Optional("x").postgresText, "x")
    }

    func testStringArraysQuoteEveryElement() {
        XCTAssertEqual([String]().postgresText, "{}")
        XCTAssertEqual(["tag:prod", "a,b"].postgresText, #"{"tag:prod","a,b"}"#)
        XCTAssertEqual(["NULL", #"say "hi" \o/"#].postgresText, #"{"NULL","say \"hi\" \\o/"}"#)
    }
}
