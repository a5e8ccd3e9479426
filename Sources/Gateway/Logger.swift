#if canImport(Glibc)
import Glibc
#endif
import JSON

/// One JSON object per line on stderr, written with a single write(2) so that lines from
/// several workers sharing the stream do not interleave. Callers pass facts, never secrets:
/// no token, key, password or request body is ever a field.
public struct Logger: Sendable {
    public let component: String
    /// Read once: the process id does not change, and getpid is a system call on every line.
    public let pid: Int

    public init(component: String) {
        self.component = component
        self.pid = Int(getpid())
    }

    public func info(_ message: String, _ fields: [(String, JSONValue)] = []) { write("info", message, fields) }
    public func warning(_ message: String, _ fields: [(String, JSONValue)] = []) { write("warning", message, fields) }
    public func error(_ message: String, _ fields: [(String, JSONValue)] = []) { write("error", message, fields) }

    /// The access log: one line per request.
    public func access(_ fields: [(String, JSONValue)]) {
        emit(JSONObject([("time", .string(Timestamp.nowISO8601())), ("type", "access")] + fields))
    }

    private func write(_ level: String, _ message: String, _ fields: [(String, JSONValue)]) {
        let head: [(String, JSONValue)] = [
            ("time", .string(Timestamp.nowISO8601())), ("level", .string(level)),
            ("component", .string(component)), ("pid", .int(pid)), ("message", .string(message)),
        ]
        emit(JSONObject(head + fields))
    }

    private func emit(_ object: JSONObject) {
        var line = JSONValue.object(object).serializedBytes()
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Wall-clock time in the formats the contract and the database use.
public enum Timestamp {
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    public static func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// RFC 3339 UTC with milliseconds, e.g. 2026-11-22T16:40:05.123Z (what JavaScript's toISOString gives).
    public static func iso8601(_ seconds: Double) -> String {
        // Whole milliseconds first, so that 0.007 s never prints as .006 through binary rounding.
        let milliseconds = Int64((seconds * 1000).rounded())
        var whole = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        let fields: [(value: Int32, width: Int, separator: UInt8)] = [
            (parts.tm_year + 1900, 4, UInt8(ascii: "-")), (parts.tm_mon + 1, 2, UInt8(ascii: "-")),
            (parts.tm_mday, 2, UInt8(ascii: "T")), (parts.tm_hour, 2, UInt8(ascii: ":")), (parts.tm_min, 2, UInt8(ascii: ":")),
            (parts.tm_sec, 2, UInt8(ascii: ".")), (Int32(milliseconds % 1000), 3, UInt8(ascii: "Z")),
        ]
        var text: [UInt8] = []
        text.reserveCapacity(24)
        for field in fields {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: field.width)
            var value = Int(field.value)
            for index in stride(from: field.width - 1, through: 0, by: -1) {
                digits[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            text += digits
            text.append(field.separator)
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func nowISO8601() -> String { iso8601(now()) }
}
