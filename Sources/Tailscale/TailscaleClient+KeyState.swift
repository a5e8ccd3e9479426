import JSON
import OperatingSystem

/// What the API says about a key after it was minted (`GET /api/v2/tailnet/{tailnet}/keys/{id}`).
public enum TailscaleKeyState: Sendable, Equatable {
    /// Still valid: no machine has joined with it yet.
    case unused
    /// A single-use key a machine joined with: `invalid` without `revoked`, or 404 (some servers
    /// forget a consumed key).
    case used
    /// Revoked or expired without being used.
    case unusable
}

extension TailscaleClient {
    /// The state of a minted key. The metadata never carries the key itself.
    public func authKeyState(id: String) throws(TailscaleError) -> TailscaleKeyState {
        let path = "/api/v2/tailnet/\(PercentEncoding.encode(configuration.tailnet))/keys/\(PercentEncoding.encode(id))"
        let answer: JSONValue
        do {
            answer = try authorizedCall(method: "GET", path: path)
        } catch .rejected(status: 404, message: _) {
            return .used
        }
        guard let object = answer.objectValue else {
            log("GET \(path) answered JSON that is not the documented shape")
            throw .malformedResponse
        }
        if object["revoked"]?.stringValue.map({ !$0.isEmpty }) == true || object["revoked"] == .bool(true) {
            return .unusable
        }
        guard object["invalid"] == .bool(true) else { return .unused }
        // Invalid and not revoked: used, unless it simply ran out.
        if let expires = object["expires"]?.stringValue, let seconds = Timestamp.unixSeconds(rfc3339: expires), seconds <= now() {
            return .unusable
        }
        return .used
    }
}
