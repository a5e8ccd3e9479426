import CurlHTTP
import Metrics
import OperatingSystem

extension TailscaleClient {
    /// Sends a request built by `makeRequest(timeoutMilliseconds)` until it gets an answer worth
    /// returning: retries 429 (after `Retry-After`), 5xx, timeouts and network failures with
    /// back-off, up to `maxAttempts`, and never sleeps or waits past `deadline`.
    func exchange(
        _ operation: String, within deadline: Deadline, makeRequest: (Int) -> CurlRequest
    ) throws(TailscaleError) -> CurlResponse {
        let endpoint = TailscaleEndpoint.name(ofOperation: operation)
        Metrics.tailscaleCall(endpoint)
        do {
            let response = try attempts(operation, endpoint: endpoint, within: deadline, makeRequest: makeRequest)
            if (200...299).contains(response.status) {
                Metrics.tailscaleSuccess(endpoint, unixSeconds: Int(now()))
            } else {
                Metrics.tailscaleError(endpoint)
            }
            return response
        } catch {
            Metrics.tailscaleError(endpoint)
            throw error
        }
    }

    private func attempts(
        _ operation: String, endpoint: String, within deadline: Deadline, makeRequest: (Int) -> CurlRequest
    ) throws(TailscaleError) -> CurlResponse {
        var attempt = 0
        while true {
            attempt += 1
            let remaining = deadline.remainingMilliseconds
            guard remaining > 0 else { throw failure(operation, "deadline reached before attempt \(attempt)") }

            let reason: String
            var requestedDelay: Int?
            let request = makeRequest(min(configuration.requestTimeoutMilliseconds, remaining))
            do {
                let response = try httpClient.send(request)
                switch response.status {
                case 429:
                    reason = "HTTP 429"
                    requestedDelay = RetryPolicy.retryAfterMilliseconds(response.headers["retry-after"], nowUnixSeconds: now())
                case 500...599:
                    reason = "HTTP \(response.status)"
                default:
                    return response
                }
            } catch {
                switch error {
                case .timeout: reason = "timed out"
                case .connectionFailed(let detail): reason = "connection failed: \(detail)"
                case .responseTooLarge:
                    log("\(operation) answered a body larger than \(request.maximumBodyBytes) bytes")
                    throw .malformedResponse
                case .invalidRequest(let detail): throw failure(operation, "invalid request: \(detail)")
                }
            }

            guard attempt < retryPolicy.maxAttempts else {
                throw failure(operation, "\(reason) on attempt \(attempt) of \(retryPolicy.maxAttempts)")
            }
            let delay = requestedDelay ?? retryPolicy.backoffMilliseconds(afterAttempt: attempt)
            guard delay < deadline.remainingMilliseconds else {
                throw failure(operation, "\(reason); waiting \(delay) ms to retry would pass the deadline")
            }
            Metrics.tailscaleRetry(endpoint)
            log("\(operation) attempt \(attempt) of \(retryPolicy.maxAttempts): \(reason); retrying in \(delay) ms")
            MonotonicClock.sleep(milliseconds: delay)
        }
    }
}
