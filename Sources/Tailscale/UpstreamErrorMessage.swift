import JSON

/// The human-readable message of an error body, in either shape the API family uses.
enum UpstreamErrorMessage {
    private static let maximumLength = 300

    /// Tailscale sends `{"message": ...}`; RFC 6749 servers (e.g. Headscale) send
    /// `{"error": ..., "error_description": ...}`. Falls back to the status.
    static func from(_ body: [UInt8], status: Int) -> String {
        let object = (try? JSONParser.parse(body))?.objectValue
        let message = object?["message"]?.stringValue
            ?? object?["error_description"]?.stringValue
            ?? object?["error"]?.stringValue
        guard let message, !message.isEmpty else { return "HTTP \(status)" }
        return String(message.prefix(maximumLength))
    }

    /// The RFC 6749 `error` code, e.g. "invalid_client".
    static func oauthErrorCode(_ body: [UInt8]) -> String? {
        (try? JSONParser.parse(body))?["error"]?.stringValue
    }
}
