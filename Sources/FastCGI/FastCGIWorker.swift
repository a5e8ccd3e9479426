#if canImport(Glibc)
import Glibc
#endif
import CFastCGI
import CShims

/// The accept loop of one worker process.
///
/// The listen socket is fd 0 (FCGI_LISTENSOCK_FILENO), shared with the other workers and set
/// non-blocking, so that the loop can wait on it together with the signal pipe: a stop request
/// is seen at once while idle, and only between requests while busy (in-flight requests always
/// finish). The wait is an epoll with EPOLLEXCLUSIVE, so one connection wakes one idle worker;
/// if another worker took it first anyway, `FCGX_Accept_r` returns EAGAIN and the loop waits again.
public final class FastCGIWorker {
    public struct Limits: Sendable {
        public var maxBodyBytes: Int
        /// Exit after this many requests (0 = never): the supervisor starts a fresh worker.
        public var maxRequests: Int
        public init(maxBodyBytes: Int = 64 * 1024, maxRequests: Int = 0) {
            self.maxBodyBytes = maxBodyBytes
            self.maxRequests = maxRequests
        }
    }

    /// Why `run` returned.
    public enum Exit: Equatable, Sendable { case stopRequested, recycled, listenSocketFailed(Int32) }

    /// Hooks: request start and end (the supervisor's bookkeeping), and `idle`, called after
    /// a second without a connection (time to flush what was buffered).
    public struct Events {
        public var requestStarted: () -> Void
        public var requestFinished: () -> Void
        public var idle: () -> Void
        public init(requestStarted: @escaping () -> Void = {}, requestFinished: @escaping () -> Void = {},
                    idle: @escaping () -> Void = {}) {
            self.requestStarted = requestStarted
            self.requestFinished = requestFinished
            self.idle = idle
        }
    }

    private let listenDescriptor: Int32
    private let stopDescriptor: Int32
    private let limits: Limits
    private var request = FCGX_Request()
    /// epoll over the stop descriptor and the listen socket (exclusive wake-ups).
    private let waiter: Int32
    /// Read buffer for request bodies, allocated once per worker.
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    /// - Parameters:
    ///   - listenDescriptor: the shared listen socket (0 when spawned by the supervisor).
    ///   - stopDescriptor: readable when the worker should stop (the signal self-pipe).
    public init(listenDescriptor: Int32 = 0, stopDescriptor: Int32, limits: Limits) {
        self.listenDescriptor = listenDescriptor
        self.stopDescriptor = stopDescriptor
        self.limits = limits
        FCGX_Init()
        FCGX_InitRequest(&request, listenDescriptor, 0)
        let flags = fcntl(listenDescriptor, F_GETFL)
        _ = fcntl(listenDescriptor, F_SETFL, flags | O_NONBLOCK)
        waiter = nv_accept_waiter_create(stopDescriptor, listenDescriptor)
    }

    public func run(responder: FastCGIResponder, events: Events = Events()) -> Exit {
        guard waiter >= 0 else { return .listenSocketFailed(errno) }
        var served = 0
        while true {
            switch waitForConnection() {
            case .stop: return .stopRequested
            case .failed(let code): return .listenSocketFailed(code)
            case .idle:
                events.idle()
                continue
            case .ready: break
            }
            let accepted = FCGX_Accept_r(&request)
            if accepted == -EAGAIN || accepted == -EWOULDBLOCK || accepted == -EINTR { continue }
            if accepted < 0 {
                // A broken connection is the peer's problem; a broken listen socket is ours.
                if accepted == -ECONNABORTED || accepted == -EPROTO { continue }
                return .listenSocketFailed(-accepted)
            }
            events.requestStarted()
            let incoming = readRequest()
            write(responder.respond(to: incoming))
            FCGX_Finish_r(&request)
            events.requestFinished()
            served += 1
            if limits.maxRequests > 0, served >= limits.maxRequests { return .recycled }
        }
    }

    private enum Wait { case ready, stop, idle, failed(Int32) }

    private func waitForConnection() -> Wait {
        switch nv_accept_waiter_wait(waiter, stopDescriptor, 1000) {
        case 0: return .stop
        case 1: return .ready
        case 2: return .idle
        default: return .failed(errno)
        }
    }

    private func readRequest() -> FastCGIRequest {
        let (body, exceeded) = readBody()
        return FastCGIRequest(parameters: readParameters(), body: body, bodyExceededLimit: exceeded)
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

    private func readParameters() -> [String: String] { Self.parameters(from: request.envp) }

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

    /// Reads the body to EOF, even past the limit: libfcgi needs the whole stream consumed.
    /// Returns the body, or nothing and true when it was larger than the limit.
    private func readBody() -> (body: [UInt8], exceededLimit: Bool) {
        var body: [UInt8] = []
        var exceeded = false
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { FCGX_GetStr($0.baseAddress, Int32($0.count), request.in) }
            }
            if count <= 0 { break }
            if exceeded { continue }
            if body.count + Int(count) > limits.maxBodyBytes {
                exceeded = true
                body = []
                continue
            }
            body.append(contentsOf: chunk[..<Int(count)])
        }
        return (body, exceeded)
    }

    private func write(_ response: FastCGIResponse) {
        var head: [UInt8] = []
        head.reserveCapacity(64 + response.prelude.bytes.count)
        head += Array("Status: \(StatusLine.text(for: response.status))\r\n".utf8)
        head += response.prelude.bytes
        for (name, value) in response.headers where HeaderBlock.isSafe(name) && HeaderBlock.isSafe(value) {
            head += Array("\(name): \(value)\r\n".utf8)
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
