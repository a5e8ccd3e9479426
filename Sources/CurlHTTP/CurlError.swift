/// Why an exchange produced no response. Descriptions never include request headers or bodies,
/// which may carry credentials.
public enum CurlError: Error, Equatable {
    /// The total or the connect timeout ran out.
    case timeout
    /// DNS, TCP, TLS or protocol failure; the associated text is libcurl's generic description.
    case connectionFailed(String)
    /// The body exceeded the request's `maximumBodyBytes`.
    case responseTooLarge
    /// The request itself cannot be sent (bad method, URL scheme, header characters).
    case invalidRequest(String)
}
