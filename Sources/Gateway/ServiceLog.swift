import Glibc
import JSON
import OperatingSystem

/// One JSON object per line on stderr, written with a single write(2) so that lines from
/// several workers and their threads sharing the stream do not interleave (a value type with
/// nothing mutable: safe from every thread). Callers pass facts, never secrets:
/// no token, key, password or request body is ever a field. (Access-log lines go through
/// `AccessLog`, which batches them.)
public struct ServiceLog: Sendable {
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

    private func write(_ level: String, _ message: String, _ fields: [(String, JSONValue)]) {
        let head: [(String, JSONValue)] = [
            ("time", .string(Timestamp.nowISO8601())), ("level", .string(level)),
            ("component", .string(component)), ("pid", .int(pid)), ("message", .string(message)),
        ]
        emit(JSONObject(head + fields))
    }

    private func emit(_ object: JSONObject) {
        StandardError.write(JSONValue.object(object).serializedBytes() + [0x0A])
    }
}
