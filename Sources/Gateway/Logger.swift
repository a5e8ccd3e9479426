import Glibc
import JSON
import OperatingSystem

/// One JSON object per line on stderr, written with a single write(2) so that lines from
/// several workers and their threads sharing the stream do not interleave (a value type with
/// nothing mutable: safe from every thread). Callers pass facts, never secrets:
/// no token, key, password or request body is ever a field. (Access-log lines go through
/// `AccessLog`, which batches them.)
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

/// The access log: one JSON line per request, written in batches. A batch is written when the
/// next line would take it past PIPE_BUF (so that one write(2) stays atomic on a pipe shared
/// by all workers, such as journald's), when its oldest line is a second old, when the worker's
/// once-a-second tick finds it waiting, and when it stops: like nginx's `access_log ... buffer=
/// flush=`, a worker killed outright loses at most its last second of lines. One batch per
/// process, shared by its request threads: lines are formatted outside the lock, and only
/// appending and the write happen under it (so batches keep whole lines in order).
public final class AccessLog: @unchecked Sendable {
    static let batchLimit = 4096
    static let maximumDelaySeconds = 1.0

    private let lock = Lock()
    private var pending: [UInt8] = []
    private var oldestLine = 0.0

    public init() { pending.reserveCapacity(Self.batchLimit) }

    public func record(_ fields: [(String, JSONValue)]) {
        let line = JSONValue.object(JSONObject([("time", .string(Timestamp.nowISO8601())), ("type", "access")] + fields))
            .serializedBytes() + [0x0A]
        let now = MonotonicClock.seconds()
        lock.withLock {
            if pending.count + line.count > Self.batchLimit { writePending() }
            if pending.isEmpty { oldestLine = now }
            pending += line
            if now - oldestLine >= Self.maximumDelaySeconds { writePending() }
        }
    }

    public func flush() {
        lock.withLock { writePending() }
    }

    /// With the lock held.
    private func writePending() {
        guard !pending.isEmpty else { return }
        StandardError.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}

enum StandardError {
    /// Writes all of `bytes`, resuming after a partial write or a signal.
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
