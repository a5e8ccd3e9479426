/// Why a Tailscale call failed. No case carries a credential, token or auth key.
public enum TailscaleError: Error, Equatable {
    /// No OAuth client id or secret is configured.
    case notConfigured
    /// The OAuth credentials were refused (401/403 at the token endpoint, or a fresh token
    /// still refused by the API).
    case unauthorized
    /// A 4xx that retrying cannot fix (e.g. 400 for tags not permitted), with the API's message.
    case rejected(status: Int, message: String)
    /// Retries exhausted, deadline reached, 5xx, 429 or network failure: the gateway answers 502.
    case unavailable(String)
    /// The answer was not the documented shape.
    case malformedResponse
}
