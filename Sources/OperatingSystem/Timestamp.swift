import Glibc

/// Wall-clock time in the formats the contract, the database and the Tailscale API use, read
/// and written without Foundation.
public enum Timestamp {
    /// Unix seconds, with the fraction.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// RFC 3339 UTC with milliseconds, e.g. 2026-11-22T16:40:05.123Z (what JavaScript's toISOString gives).
    /// Calendar arithmetic of its own rather than gmtime_r: glibc's takes a process-wide lock on
    /// every call, and every access-log line of every request thread needs one of these.
    public static func iso8601(_ seconds: Double) -> String {
        // Whole milliseconds first, so that 0.007 s never prints as .006 through binary rounding.
        let milliseconds = Int64((seconds * 1000).rounded())
        let wholeSeconds = floorDivision(milliseconds, 1000)
        let days = floorDivision(wholeSeconds, 86_400)
        let secondOfDay = Int(wholeSeconds - days * 86_400)
        let date = civilDate(daysSinceEpoch: days)
        return String(unsafeUninitializedCapacity: 24) { text in
            var end = 0
            func put(_ value: Int, width: Int, then separator: Unicode.Scalar) {
                var rest = value
                for index in stride(from: end + width - 1, through: end, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                text[end + width] = UInt8(ascii: separator)
                end += width + 1
            }
            put(date.year, width: 4, then: "-")
            put(date.month, width: 2, then: "-")
            put(date.day, width: 2, then: "T")
            put(secondOfDay / 3600, width: 2, then: ":")
            put(secondOfDay / 60 % 60, width: 2, then: ":")
            put(secondOfDay % 60, width: 2, then: ".")
            put(Int(milliseconds - wholeSeconds * 1000), width: 3, then: "Z")
            return end
        }
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    /// Civil-from-days (proleptic Gregorian calendar), after Howard Hinnant's algorithm: the
    /// inverse of `unixSeconds(year:month:day:...)` below. Years outside 0...9999 print their
    /// last four digits.
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = Int(daysSinceEpoch) + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (((year % 10_000) + 10_000) % 10_000, month, day)
    }

    public static func nowISO8601() -> String { iso8601(now()) }

    /// Unix seconds of an RFC 3339 time as the Tailscale API writes it, "2022-12-01T05:23:30Z",
    /// with optional fraction and a `Z` or `±HH:MM` offset.
    public static func unixSeconds(rfc3339 text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20,
              let year = number(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
              let month = number(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
              let day = number(bytes, 8, 2), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
              let hour = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, 17, 2)
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        guard index < bytes.count, let offset = offsetSeconds(bytes[index...]) else { return nil }
        guard let local = unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return local - offset
    }

    /// IMF-fixdate as in `Retry-After`: "Sun, 06 Nov 1994 08:49:37 GMT".
    public static func unixSeconds(httpDate text: String) -> Int64? {
        let parts = text.split(separator: " ")
        // The year has four digits: an unbounded one overflows the day count.
        guard parts.count == 6, parts[5] == "GMT", parts[3].utf8.count == 4,
              let day = Int(parts[1]), let year = Int(parts[3]),
              let month = monthNames.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let time = Array(parts[4].utf8)
        guard time.count == 8, time[2] == UInt8(ascii: ":"), time[5] == UInt8(ascii: ":"),
              let hour = number(time, 0, 2), let minute = number(time, 3, 2), let second = number(time, 6, 2)
        else { return nil }
        return unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days-from-civil (proleptic Gregorian calendar), after Howard Hinnant's algorithm.
    private static func unixSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// "Z" is 0; "+01:00" is 3600 (local time ahead of UTC).
    private static func offsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let rest = Array(bytes)
        if rest.count == 1, rest[0] == UInt8(ascii: "Z") || rest[0] == UInt8(ascii: "z") { return 0 }
        guard rest.count == 6, rest[3] == UInt8(ascii: ":"),
              let hours = number(rest, 1, 2), let minutes = number(rest, 4, 2)
        else { return nil }
        let magnitude = Int64(hours * 3600 + minutes * 60)
        switch rest[0] {
        case UInt8(ascii: "+"): return magnitude
        case UInt8(ascii: "-"): return -magnitude
        default: return nil
        }
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + length] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
