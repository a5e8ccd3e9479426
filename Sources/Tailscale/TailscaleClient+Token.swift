import CurlHTTP
import JSON
import OperatingSystem

extension TailscaleClient {
    private static let tokenPath = "/api/v2/oauth/token"
    /// Used when the token answer leaves `expires_in` out (Tailscale's tokens live one hour).
    private static let defaultTokenLifetimeSeconds = 3600

    /// The cached token while it is fresh, else a new one from the OAuth client credentials.
    /// One token per process: the request threads share it, and while one fetches a new
    /// token the others wait for that one instead of each asking for their own.
    func accessToken(within deadline: Deadline) throws(TailscaleError) -> String {
        try tokenLock.withLock { () throws(TailscaleError) -> String in try cachedOrNewToken(within: deadline) }
    }

    /// Forgets `value` (refused with a 401), unless another thread already replaced it.
    func discardAccessToken(_ value: String) {
        tokenLock.withLock {
            if cachedToken?.value == value { cachedToken = nil }
        }
    }

    private func cachedOrNewToken(within deadline: Deadline) throws(TailscaleError) -> String {
        let startedAt = MonotonicClock.milliseconds()
        if let cachedToken, cachedToken.isFresh(atMilliseconds: startedAt) { return cachedToken.value }
        cachedToken = nil

        let operation = "POST \(Self.tokenPath)"
        let body = PercentEncoding.formBody([
            ("client_id", configuration.clientID),
            ("client_secret", configuration.clientSecret),
            ("grant_type", "client_credentials"),
        ])
        let response = try exchange(operation, within: deadline) { timeout in
            tokenRequests += 1
            return CurlRequest(
                method: "POST", url: url(Self.tokenPath),
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: body, timeoutMilliseconds: timeout,
                connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds)
        }
        try checkTokenStatus(response, operation: operation)

        let answer = try parseJSON(response.body, operation: operation)
        guard let value = answer["access_token"]?.stringValue, !value.isEmpty else {
            log("\(operation) answered without an access_token")
            throw .malformedResponse
        }
        let lifetime = answer["expires_in"]?.intValue ?? Self.defaultTokenLifetimeSeconds
        let token = AccessToken(value: value, lifetimeSeconds: lifetime, obtainedAtMilliseconds: startedAt)
        cachedToken = token
        return token.value
    }

    /// 401/403 (and RFC 6749 client errors) mean the credentials are wrong: not retryable.
    private func checkTokenStatus(_ response: CurlResponse, operation: String) throws(TailscaleError) {
        let status = response.status
        guard !(200...299).contains(status) else { return }
        let message = UpstreamErrorMessage.from(response.body, status: status)
        let oauthCode = UpstreamErrorMessage.oauthErrorCode(response.body)
        if status == 401 || status == 403 || oauthCode == "invalid_client" || oauthCode == "unauthorized_client" {
            log("OAuth client credentials refused (HTTP \(status)): \(message)")
            throw .unauthorized
        }
        if (400...499).contains(status) {
            log("\(operation) rejected with HTTP \(status): \(message)")
            throw .rejected(status: status, message: message)
        }
        throw failure(operation, "unexpected HTTP \(status)")
    }
}
