import CCurl

/// Process-wide libcurl setup.
public enum CurlLibrary {
    /// `curl_global_init` is not thread-safe, so the executable calls `initialize()` at startup,
    /// before any thread exists. A `static let` runs its initializer exactly once.
    private static let globalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Idempotent: only the first call initializes libcurl.
    public static func initialize() {
        _ = globalInitResult
    }
}
