import CCurl
import CCurlShims
import OperatingSystem

/// A blocking HTTP/1.1 client over reused libcurl easy handles.
///
/// Each worker process owns one client and reuses it for every upstream call, so libcurl keeps
/// connections (and TLS sessions) alive between requests. Thread-safe: a call borrows an idle
/// handle (or makes one) for its duration, so there are at most as many handles as calls ever
/// ran at once, each keeping its own connections. Their TLS connections all verify against
/// one parsed copy of the trusted authorities (see `TrustedAuthorities`).
public final class CurlClient: @unchecked Sendable {
    private let lock = Lock()
    private var idleHandles: [UnsafeMutableRawPointer] = []
    /// Nil: the system's, loaded only once an HTTPS request is made (most workers of a test
    /// stack or of `make bench` talk plain HTTP to the simulator and never need them).
    private let trustedAuthorities: TrustedAuthorities?

    public init(trustedAuthorities: TrustedAuthorities? = nil) {
        self.trustedAuthorities = trustedAuthorities
    }

    deinit {
        for handle in idleHandles { curl_easy_cleanup(handle) }
    }

    public func send(_ request: CurlRequest) throws(CurlError) -> CurlResponse {
        guard let handle = lock.withLock({ idleHandles.popLast() }) ?? curl_easy_init() else {
            throw .connectionFailed("libcurl handle unavailable")
        }
        defer { lock.withLock { idleHandles.append(handle) } }
        return try send(request, on: handle)
    }

    private func send(_ request: CurlRequest, on handle: UnsafeMutableRawPointer) throws(CurlError) -> CurlResponse {
        // Reset drops the previous request's options but keeps the connection cache.
        curl_easy_reset(handle)
        let options = EasyHandleOptions(handle: handle)

        try options.applyDefaults(for: request)
        if request.url.hasPrefix("https://"), let store = (trustedAuthorities ?? .system).store {
            try options.check(nv_curl_use_trust_store(handle, store), "trusted authorities")
        }
        try options.applyMethodAndBody(method: request.method, body: request.body)
        let headerList = try HeaderList(request.headers)
        defer { headerList.free() }
        try options.set(CURLOPT_HTTPHEADER, pointer: headerList.pointer)

        let collector = ResponseCollector(maximumBodyBytes: request.maximumBodyBytes)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        try options.check(nv_curl_setopt_write_callback(handle, Self.bodyCallback, context), "write callback")
        try options.check(nv_curl_setopt_header_callback(handle, Self.headerCallback, context), "header callback")

        let code = withExtendedLifetime(collector) { curl_easy_perform(handle) }
        switch code {
        case CURLE_OK:
            return CurlResponse(status: nv_curl_response_code(handle), headers: collector.headers, body: collector.body)
        case CURLE_WRITE_ERROR where collector.exceededLimit:
            throw .responseTooLarge
        case CURLE_OPERATION_TIMEDOUT:
            throw .timeout
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            throw .invalidRequest(String(cString: curl_easy_strerror(code)))
        default:
            throw .connectionFailed(String(cString: curl_easy_strerror(code)))
        }
    }

    private static let bodyCallback: nv_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
        return collector.appendBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    private static let headerCallback: nv_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
        return collector.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    }
}
