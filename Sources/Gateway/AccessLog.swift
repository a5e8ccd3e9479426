import JSON
import OperatingSystem

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
