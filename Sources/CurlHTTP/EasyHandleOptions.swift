import CCurl
import CCurlShims

/// Typed, checked setters for one easy handle's options (curl_easy_setopt is variadic in C).
struct EasyHandleOptions {
    let handle: UnsafeMutableRawPointer

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(nv_curl_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    /// libcurl copies string options, so the Swift string only needs to live for this call.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(nv_curl_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(nv_curl_setopt_pointer(handle, option, pointer), "option \(option.rawValue)")
    }

    func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else {
            throw .invalidRequest("cannot set \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    /// Options every request gets: URL, timeouts, protocol restriction, no signals.
    func applyDefaults(for request: CurlRequest) throws(CurlError) {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw .invalidRequest("only http and https URLs are allowed")
        }
        try set(CURLOPT_URL, request.url)
        // Worker processes are single-threaded but must never get SIGALRM from DNS timeouts.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
        try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, min(request.connectTimeoutMilliseconds, request.timeoutMilliseconds)))
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        // Empty string: accept every encoding this libcurl can decode (device lists compress well).
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_USERAGENT, "nexus-vault")
    }

    func applyMethodAndBody(method: String, body: [UInt8]?) throws(CurlError) {
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            throw .invalidRequest("invalid method")
        }
        switch (method, body) {
        case ("GET", nil):
            try set(CURLOPT_HTTPGET, 1)
        case ("HEAD", nil):
            try set(CURLOPT_NOBODY, 1)
        case (_, let body?):
            try setBody(body)
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
        case ("POST", nil):
            try setBody([])
        case (_, nil):
            try set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// COPYPOSTFIELDS makes libcurl keep its own copy, so the array need not outlive this call.
    private func setBody(_ body: [UInt8]) throws(CurlError) {
        try set(CURLOPT_POSTFIELDSIZE, body.count)
        guard !body.isEmpty else {
            // An empty array may have no storage; libcurl needs a valid pointer all the same.
            return try set(CURLOPT_COPYPOSTFIELDS, "")
        }
        let code = body.withUnsafeBytes { bytes in
            nv_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        try check(code, "request body")
    }
}
