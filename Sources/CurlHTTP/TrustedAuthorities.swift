import CCurlShims

/// The certificate authorities HTTPS peers are verified against: parsed once, and shared by
/// every TLS connection of every handle in the process.
///
/// Left to itself, libcurl (7.88 with OpenSSL 3) gives each TLS connection an SSL_CTX of its
/// own and reads the whole CA bundle into it: Debian's 140 authorities cost about 850 KiB per
/// connection, for as long as the connection is kept. A worker whose request threads all call
/// the Tailscale API at once keeps one connection per thread: 24 connections grew a process by
/// 22.5 MiB, against 3.0 MiB with one store (`CurlTLSTests`, threads included). A new
/// connection no longer parses the bundle either.
///
/// Verification is unchanged: libcurl still checks the peer's chain (against this store) and its
/// name; only where the authorities live changes. The bundle is read once per process, so a
/// changed bundle is seen by the workers that start after it (a reload starts new ones), as
/// nginx reads its certificates.
public final class TrustedAuthorities: @unchecked Sendable {
    /// libcurl's own default bundle and directory (what it would read for every connection),
    /// read the first time a process makes an HTTPS request. When they cannot be read, `store`
    /// is nil and libcurl reports the problem for each connection, as it did before.
    public static let system = TrustedAuthorities(bundleFile: nv_curl_default_ca_bundle().map { String(cString: $0) },
                                                  directory: nv_curl_default_ca_directory().map { String(cString: $0) })

    /// An `X509_STORE` (OpenSSL locks it internally: connections on many threads share it).
    let store: UnsafeMutableRawPointer?

    /// The authorities of one PEM bundle (tests; an operator's own CA). Nil when the file gives none.
    public convenience init?(bundleFile: String) {
        self.init(bundleFile: bundleFile, directory: nil)
        if store == nil { return nil }
    }

    private init(bundleFile: String?, directory: String?) {
        store = nv_trust_store_load(bundleFile, directory)
    }

    deinit { nv_trust_store_free(store) }
}
