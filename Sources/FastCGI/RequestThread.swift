import Glibc
import CFastCGI
import CSystemShims

/// One request thread: its own `FCGX_Request`, read buffer and wait set.
///
/// Without a kept connection it waits on an epoll over the drain pipe and the listen socket
/// (EPOLLEXCLUSIVE: one connection wakes one idle thread of the whole pool, the one idle
/// longest; if another took it first, `FCGX_Accept_r` answers EAGAIN and the thread waits again). With a kept connection
/// (nginx's `fastcgi_keep_conn on`), libfcgi reads the next request from that connection, so
/// the thread waits on it instead, and serves whatever nginx sends there.
///
/// Draining (stop, reload, recycling), it takes no new connection but one that woke it in the
/// same instant as the drain (no other thread was woken for that one: `nextRequest`). A kept
/// connection is handed back with the answer to its next request (`finishHandingBack`: nginx
/// itself then closes it, so nothing is lost), or closed once nginx left it idle for
/// `drainIdleMilliseconds`. The second leaves a window of microseconds in which nginx may pick
/// that connection for a new request (that request would fail); nginx reuses its cached
/// connections most recent first, so one idle for a second is one it rarely needs.
final class RequestThread {
    static let drainIdleMilliseconds: Int32 = 1000

    private let index: Int
    private let limits: FastCGIWorker.Limits
    private let drain: Drain
    private var request = FCGX_Request()
    private let listenDescriptor: Int32
    private let waiter: Int32
    /// What one read of the body takes at most: libfcgi's own stream buffer.
    private static let readBytes = 8 * 1024
    /// The kept connection and the drain pipe, for poll(2): filled anew before each wait.
    private var keptWaitSet = [pollfd](repeating: pollfd(), count: 2)

    init(index: Int, listenDescriptor: Int32, limits: FastCGIWorker.Limits, drain: Drain) {
        self.index = index
        self.limits = limits
        self.drain = drain
        self.listenDescriptor = listenDescriptor
        FCGX_InitRequest(&request, listenDescriptor, 0)
        waiter = nv_accept_waiter_create(drain.readDescriptor, listenDescriptor)
    }

    deinit {
        if waiter >= 0 { close(waiter) }
    }

    func run(responder: FastCGIResponder, events: FastCGIWorker.Events) {
        guard waiter >= 0 else { return drain.begin(.listenSocketFailed(errno)) }
        defer { closeConnection() }
        var draining = false
        while true {
            switch nextRequest(draining: &draining) {
            case .done: return
            case .failed(let code): return drain.begin(.listenSocketFailed(code))
            case .ready: break
            }
            let accepted = FCGX_Accept_r(&request)
            if accepted == -EAGAIN || accepted == -EWOULDBLOCK || accepted == -EINTR { continue }
            if accepted < 0 {
                // A broken connection is the peer's problem; a broken listen socket is ours.
                if accepted == -ECONNABORTED || accepted == -EPROTO { continue }
                return drain.begin(.listenSocketFailed(-accepted))
            }
            events.requestStarted(index)
            let incoming = readRequest()
            write(responder.respond(to: incoming))
            drain.requestServed()  // may start the drain: then this very answer hands the connection back
            if drain.hasBegun {
                draining = true
                finishHandingBack()
            } else {
                FCGX_Finish_r(&request)
            }
            events.requestFinished(index)
        }
    }

    private enum Wait { case ready, done, failed(Int32) }

    private func nextRequest(draining: inout Bool) -> Wait {
        let kept = request.ipcFd
        if kept < 0 {
            if draining { return .done }
            switch nv_accept_waiter_wait(waiter, drain.readDescriptor, listenDescriptor, -1) {
            case 0:
                draining = true
                return .done
            case 1: return .ready
            case 3:
                // Stopping, but the kernel may have woken this thread alone for that connection
                // (EPOLLEXCLUSIVE): left in the backlog, it would wait for the next one to
                // arrive (seen: reloads under load whose clients all hung 10 s). Take it, then stop.
                draining = true
                return .ready
            default: return .failed(errno)
            }
        }
        keptWaitSet[0] = pollfd(fd: kept, events: Int16(POLLIN), revents: 0)
        keptWaitSet[1] = pollfd(fd: drain.readDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&keptWaitSet, draining ? 1 : 2, draining ? Self.drainIdleMilliseconds : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            // A request (or nginx's close) on the kept connection is served (or seen) first.
            if keptWaitSet[0].revents != 0 { return .ready }
            if ready == 0 { return .done }  // draining, and idle long enough
            draining = true
        }
    }

    /// Ends the request and, when nginx meant to keep the connection, hands it back so that
    /// nginx does not reuse it. nginx keeps a FastCGI connection only when the end-request
    /// record is the last thing it read (ngx_http_fastcgi_input_filter), so the end-request
    /// record goes out followed, in the same write, by one header-only record of an unknown
    /// type: nginx finishes the answer and closes the connection itself, and no request of its
    /// can be on the way to us meanwhile (closing after a plain end-request raced with nginx
    /// reusing the connection at once: "upstream prematurely closed connection" under load).
    private func finishHandingBack() {
        guard request.keepConnection != 0, request.ipcFd >= 0 else { return FCGX_Finish_r(&request) }
        // Closing stdout writes its end; the end-request record is the last writer's (stderr),
        // which is never closed here: it is written below instead.
        _ = FCGX_FClose(request.out)
        let id = UInt16(truncatingIfNeeded: request.requestId)
        let status = UInt32(bitPattern: request.appStatus)
        let endRequest: [UInt8] = [1, 3, UInt8(id >> 8), UInt8(id & 0xFF), 0, 8, 0, 0,
                                   UInt8(status >> 24), UInt8((status >> 16) & 0xFF), UInt8((status >> 8) & 0xFF), UInt8(status & 0xFF),
                                   0, 0, 0, 0]
        let trailer: [UInt8] = [1, 11, 0, 0, 0, 0, 0, 0]  // FCGI_UNKNOWN_TYPE, no content
        let records = endRequest + trailer
        _ = records.withUnsafeBytes { Glibc.write(request.ipcFd, $0.baseAddress, $0.count) }
        closeConnection()
    }

    /// Closes a kept connection (draining); libfcgi's close waits (2 s at most) for nginx to
    /// close its end.
    private func closeConnection() {
        if request.ipcFd >= 0 { FCGX_Free(&request, 1) }
    }

    private func readRequest() -> FastCGIRequest {
        let (body, exceeded) = readBody()
        return FastCGIRequest(parameters: readParameters(), body: body, bodyExceededLimit: exceeded, thread: index)
    }

    private func readParameters() -> [String: String] { FastCGIWorker.parameters(from: request.envp) }

    /// Reads the body to EOF, even past the limit: libfcgi needs the whole stream consumed.
    /// Returns the body, or nothing and true when it was larger than the limit.
    ///
    /// Each read lands in scratch space on the thread's stack, uninitialized, so only what a
    /// body fills is ever touched: a zeroed read buffer per thread was 16 KiB of every
    /// thread's memory (half a MiB of each worker's) for bodies that are mostly under 1 KiB.
    private func readBody() -> (body: [UInt8], exceededLimit: Bool) {
        var body: [UInt8] = []
        var exceeded = false
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Self.readBytes) { scratch in
            while true {
                let count = Int(FCGX_GetStr(scratch.baseAddress, Int32(scratch.count), request.in))
                if count <= 0 { break }
                if exceeded { continue }
                if body.count + count > limits.maxBodyBytes {
                    exceeded = true
                    body = []
                    continue
                }
                body.append(contentsOf: UnsafeRawBufferPointer(start: scratch.baseAddress, count: count))
            }
        }
        return (body, exceeded)
    }

    private func write(_ response: FastCGIResponse) {
        var head: [UInt8] = []
        head.reserveCapacity(64 + response.prelude.bytes.count)
        head += "Status: ".utf8
        head += StatusLine.text(for: response.status).utf8
        head += [0x0D, 0x0A]
        head += response.prelude.bytes
        for (name, value) in response.headers where HeaderBlock.isSafe(name) && HeaderBlock.isSafe(value) {
            head += name.utf8
            head += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            head += value.utf8
            head += [0x0D, 0x0A]
        }
        head += [0x0D, 0x0A]
        put(head)
        if !response.body.isEmpty { put(response.body) }
    }

    private func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                _ = FCGX_PutStr($0.baseAddress, Int32($0.count), request.out)
            }
        }
    }
}
