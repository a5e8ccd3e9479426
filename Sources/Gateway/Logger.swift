#if canImport(Glibc)
import Glibc
#endif
import JSON

/// One JSON object per line on stderr, written with a single write(2) so that lines from
/// several workers sharing the stream do not interleave. Callers pass facts, never secrets:
/// no token, key, password or request body is ever a field.
public struct Logger: Sendable {
    public let component: String

    public init(component: String) { self.component = component }

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
            ("component", .string(component)), ("pid", .int(Int(getpid()))), ("message", .string(message)),
        ]
        emit(JSONObject(head + fields))
    }

    private func emit(_ object: JSONObject) {
        let line = Array((JSONValue.object(object).serialized() + "\n").utf8)
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
        var whole = time_t(seconds.rounded(.down))
        let milliseconds = Int((seconds - Double(whole)) * 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    public static func nowISO8601() -> String { iso8601(now()) }
}
