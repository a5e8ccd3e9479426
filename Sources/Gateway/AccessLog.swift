import JSON
import OperatingSystem

/// The access log: one JSON line per request, written in batches, one batch per request thread.
/// A batch is written when the next line would take it past PIPE_BUF (so that one write(2)
/// stays atomic on a pipe shared by all workers, such as journald's), when its oldest line is a
/// second old, when the worker's once-a-second tick finds it waiting, and when it stops: like
/// nginx's `access_log ... buffer= flush=`, a worker killed outright loses at most its last
/// second of lines.
///
/// Per thread, as nginx's buffers are per worker process: the threads never wait for each
/// other's lines or writes (one batch shared by 32 threads cost a health request more in lock
/// handoffs than its own work). Within a thread lines stay in order; lines of different threads
/// may be up to a second apart in the file, and each carries its own time.
public final class AccessLog: @unchecked Sendable {
    static let batchLimit = 4096
    static let maximumDelaySeconds = 1.0

    private let batches: [Batch]

    /// - Parameter threads: the request threads that record (`FastCGIRequest.thread` is below it).
    public init(threads: Int) {
        batches = (0..<max(1, threads)).map { _ in Batch() }
    }

    /// `fields` are the caller's own, distinct keys (they are written as given).
    public func record(_ fields: [(String, JSONValue)], thread: Int) {
        var line = JSONValue.serializedObjectBytes([("time", .string(Timestamp.nowISO8601())), ("type", "access")] + fields)
        line.append(0x0A)
        batches[thread % batches.count].append(line, now: MonotonicClock.seconds())
    }

    public func flush() {
        for batch in batches { batch.flush() }
    }

    /// One thread's lines; the lock is taken by that thread, and by the tick's and the stop's
    /// flush.
    private final class Batch {
        private let lock = Lock()
        private var pending: [UInt8] = []
        private var oldestLine = 0.0

        init() { pending.reserveCapacity(AccessLog.batchLimit) }

        func append(_ line: [UInt8], now: Double) {
            lock.withLock {
                if pending.count + line.count > AccessLog.batchLimit { writePending() }
                if pending.isEmpty { oldestLine = now }
                pending += line
                if now - oldestLine >= AccessLog.maximumDelaySeconds { writePending() }
            }
        }

        func flush() {
            lock.withLock { writePending() }
        }

        /// With the lock held.
        private func writePending() {
            guard !pending.isEmpty else { return }
            StandardError.write(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }
}
