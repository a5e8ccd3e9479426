import Glibc
import CFastCGI
import OperatingSystem

/// One worker process: `threads` request threads, each with its own `FCGX_Request` on the
/// shared listen socket (fd 0, FCGI_LISTENSOCK_FILENO), so that nginx can keep FastCGI
/// connections alive.
///
/// libfcgi does not multiplex: a kept connection pins the request object that accepted it
/// until nginx closes it. With one request object per thread, a process holds up to `threads`
/// connections, idle ones included; the pool must have comfortably more request threads than
/// all nginx instances together keep idle (`keepalive` per nginx worker process), or a new
/// connection waits in the backlog behind idle ones (see the README's rule).
///
/// The calling thread waits for a stop signal and, once a second, calls `events.everySecond`
/// (time to flush what was buffered). A stop or recycle drains the process: no thread takes
/// a new connection, every in-flight request finishes, kept connections are handed back to
/// nginx (see `RequestThread`), and `run` returns once every thread is done.
public final class FastCGIWorker {
    public struct Limits: Sendable {
        public var maxBodyBytes: Int
        /// Drain after this many requests over all threads (0 = never): the supervisor starts
        /// a fresh worker.
        public var maxRequests: Int
        public var threads: Int
        public init(maxBodyBytes: Int = 64 * 1024, maxRequests: Int = 0, threads: Int = 1) {
            self.maxBodyBytes = maxBodyBytes
            self.maxRequests = maxRequests
            self.threads = max(1, threads)
        }
    }

    /// Why `run` returned.
    public enum Exit: Equatable, Sendable { case stopRequested, recycled, listenSocketFailed(Int32) }

    /// Hooks: request start and end on a thread (by index, the supervisor's bookkeeping), and
    /// `everySecond`, called from the waiting thread.
    public struct Events: @unchecked Sendable {
        public var requestStarted: (Int) -> Void
        public var requestFinished: (Int) -> Void
        public var everySecond: () -> Void
        public init(requestStarted: @escaping (Int) -> Void = { _ in }, requestFinished: @escaping (Int) -> Void = { _ in },
                    everySecond: @escaping () -> Void = {}) {
            self.requestStarted = requestStarted
            self.requestFinished = requestFinished
            self.everySecond = everySecond
        }
    }

    /// The non-header CGI parameters the service reads; the others nginx sends (SERVER_NAME,
    /// DOCUMENT_ROOT, ...) are skipped before any String is made of them.
    public static let keptParameters = ["REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "SCRIPT_NAME",
                                        "QUERY_STRING", "REMOTE_ADDR", "CONTENT_TYPE", "CONTENT_LENGTH"]

    private static let keptNames = keptParameters.map { Array($0.utf8) }
    private static let headerPrefix = Array("HTTP_".utf8)

    private static func isKept(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if name.starts(with: headerPrefix) { return true }
        return keptNames.contains { $0.count == name.count && $0.elementsEqual(name) }
    }

    /// `NAME=value` C strings (libfcgi's NULL-terminated `envp`) into a dictionary, split on the
    /// first `=` by bytes (this runs for some thirty parameters on every request; Character-level
    /// String work is too slow). Internal, not private: the fuzz target in Tests/Fuzz calls it.
    static func parameters(from environment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String: String] {
        var parameters: [String: String] = [:]
        parameters.reserveCapacity(48)
        guard var entry = environment else { return parameters }
        while let pointer = entry.pointee {
            let length = strlen(pointer)
            pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let pair = UnsafeBufferPointer(start: bytes, count: length)
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return }
                let nameBytes = UnsafeBufferPointer(rebasing: pair[..<equals])
                guard Self.isKept(nameBytes) else { return }
                let name = String(decoding: nameBytes, as: UTF8.self)
                parameters[name] = String(decoding: UnsafeBufferPointer(rebasing: pair[(equals + 1)...]), as: UTF8.self)
            }
            entry += 1
        }
        return parameters
    }

    private let listenDescriptor: Int32
    private let stopDescriptor: Int32
    private let limits: Limits

    /// - Parameters:
    ///   - listenDescriptor: the shared listen socket (0 when spawned by the supervisor).
    ///   - stopDescriptor: readable when the worker should stop (the signal self-pipe).
    public init(listenDescriptor: Int32 = 0, stopDescriptor: Int32, limits: Limits) {
        self.listenDescriptor = listenDescriptor
        self.stopDescriptor = stopDescriptor
        self.limits = limits
        FCGX_Init()
        let flags = fcntl(listenDescriptor, F_GETFL)
        _ = fcntl(listenDescriptor, F_SETFL, flags | O_NONBLOCK)
    }

    /// `responder` is called from every request thread at once: it must be thread-safe.
    public func run(responder: FastCGIResponder, events: Events = Events()) -> Exit {
        guard let drain = Drain(maxRequests: limits.maxRequests) else { return .listenSocketFailed(errno) }
        let (listenDescriptor, limits) = (self.listenDescriptor, self.limits)
        let threads = RequestThreads.start(count: limits.threads) { index in
            RequestThread(index: index, listenDescriptor: listenDescriptor, limits: limits, drain: drain)
                .run(responder: responder, events: events)
        }
        if threads.started < limits.threads { drain.begin(.listenSocketFailed(threads.error)) }
        waitForDrain(drain, events: events)
        threads.join()
        return drain.reason ?? .stopRequested
    }

    /// Until a stop signal (which starts the drain) or a drain a thread started.
    private func waitForDrain(_ drain: Drain, events: Events) {
        var descriptors = [pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: drain.readDescriptor, events: Int16(POLLIN), revents: 0)]
        var lastTick = MonotonicClock.seconds()
        while true {
            let ready = poll(&descriptors, 2, 1000)
            if ready < 0, errno != EINTR {
                drain.begin(.stopRequested)
                return
            }
            if descriptors[0].revents != 0 { drain.begin(.stopRequested) }
            if descriptors[1].revents != 0 || descriptors[0].revents != 0 { return }
            let now = MonotonicClock.seconds()
            if now - lastTick >= 1 {
                lastTick = now
                events.everySecond()
            }
        }
    }
}

/// The process-wide end of accepting: a pipe that turns readable for every thread at once,
/// the reason, and the request count that triggers recycling.
final class Drain: @unchecked Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let maxRequests: Int
    private let lock = Lock()
    private var served = 0
    private(set) var reason: FastCGIWorker.Exit?

    init?(maxRequests: Int) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
        self.maxRequests = maxRequests
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    var hasBegun: Bool { lock.withLock { reason != nil } }

    /// The first reason wins; the pipe stays readable from then on (nobody reads it).
    func begin(_ why: FastCGIWorker.Exit) {
        let first = lock.withLock { () -> Bool in
            guard reason == nil else { return false }
            reason = why
            return true
        }
        if first {
            var byte: UInt8 = 1
            _ = write(writeDescriptor, &byte, 1)
        }
    }

    /// Counts one finished request; starts the drain when the recycling limit is reached.
    func requestServed() {
        guard maxRequests > 0 else { return }
        let reached = lock.withLock { () -> Bool in
            served += 1
            return served >= maxRequests
        }
        if reached { begin(.recycled) }
    }
}
