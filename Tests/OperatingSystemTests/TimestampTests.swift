import OperatingSystem
import Glibc
import XCTest

final class TimestampTests: XCTestCase {
    /// The calendar arithmetic against glibc's gmtime_r, one day at a time over four centuries
    /// (leap years, the century rules) and at every millisecond boundary of a day's end.
    func testISO8601AgreesWithGmtimeAcrossFourCenturies() {
        for day in stride(from: -25_567, to: 120_000, by: 1) {  // 1900-01-01 to 2298
            let seconds = Double(day) * 86_400 + 86_399.999
            XCTAssertEqual(Timestamp.iso8601(seconds), Self.gmtimeText(seconds), "day \(day)")
            if Timestamp.iso8601(seconds) != Self.gmtimeText(seconds) { return }
        }
    }

    func testISO8601RoundsToTheMillisecond() {
        XCTAssertEqual(Timestamp.iso8601(1_795_365_691.9996), "2026-11-22T16:41:32.000Z")
        XCTAssertEqual(Timestamp.iso8601(-0.001), "1969-12-31T23:59:59.999Z")
    }

    private static func gmtimeText(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1000).rounded())
        var whole = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(whole) * 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)).\(padded(Int32(fraction), 3))Z"
    }
}
