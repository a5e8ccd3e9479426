import CurlHTTP
import JSON

extension TailscaleClient {
    /// One API call with a bearer token: fetches or reuses the token, and on a 401 (token
    /// expired or revoked) renews it once and tries once more. Returns the parsed 2xx body.
    func authorizedCall(method: String, path: String, jsonBody: JSONValue? = nil,
                        maximumBodyBytes: Int = CurlRequest.defaultMaximumBodyBytes) throws(TailscaleError) -> JSONValue {
        let body = try authorizedBody(method: method, path: path, jsonBody: jsonBody, maximumBodyBytes: maximumBodyBytes)
        // DELETE answers 200 with an empty body.
        return body.isEmpty ? .null : try parseJSON(body, operation: "\(method) \(path)")
    }

    /// `authorizedCall`'s 2xx body as it came, unparsed.
    func authorizedBody(method: String, path: String, jsonBody: JSONValue? = nil,
                        maximumBodyBytes: Int = CurlRequest.defaultMaximumBodyBytes) throws(TailscaleError) -> [UInt8] {
        guard configuration.isConfigured else { throw .notConfigured }
        let deadline = Deadline(millisecondsFromNow: configuration.deadlineMilliseconds)
        let operation = "\(method) \(path)"
        var renewedAfterRefusal = false
        while true {
            let token = try accessToken(within: deadline)
            let response = try exchange(operation, within: deadline) { timeout in
                var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
                if jsonBody != nil { headers.append(("Content-Type", "application/json")) }
                return CurlRequest(
                    method: method, url: url(path), headers: headers, body: jsonBody?.serializedBytes(),
                    timeoutMilliseconds: timeout, connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                    maximumBodyBytes: maximumBodyBytes)
            }
            if response.status == 401 && !renewedAfterRefusal {
                renewedAfterRefusal = true
                discardAccessToken(token)
                log("\(operation) answered 401; renewing the access token and retrying once")
                continue
            }
            return try acceptedBody(response, operation: operation)
        }
    }

    private func acceptedBody(_ response: CurlResponse, operation: String) throws(TailscaleError) -> [UInt8] {
        switch response.status {
        case 200...299:
            return response.body
        case 401:
            log("\(operation) still answered 401 with a fresh access token")
            throw .unauthorized
        case 400...499:
            let message = UpstreamErrorMessage.from(response.body, status: response.status)
            log("\(operation) rejected with HTTP \(response.status): \(message)")
            throw .rejected(status: response.status, message: message)
        default:
            throw failure(operation, "unexpected HTTP \(response.status)")
        }
    }

    func parseJSON(_ body: [UInt8], operation: String) throws(TailscaleError) -> JSONValue {
        try readingJSON(operation) { () throws(JSONParseError) in try JSONParser.parse(body) }
    }

    /// Runs `read` over an answer's body, logging when the body is not JSON.
    func readingJSON<T>(_ operation: String, _ read: () throws(JSONParseError) -> T) throws(TailscaleError) -> T {
        do {
            return try read()
        } catch {
            log("\(operation) answered a body that is not JSON (\(error))")
            throw .malformedResponse
        }
    }

    /// Logs the reason and turns it into the error the gateway answers 502 for.
    func failure(_ operation: String, _ reason: String) -> TailscaleError {
        log("\(operation) failed: \(reason)")
        return .unavailable("\(operation): \(reason)")
    }
}
