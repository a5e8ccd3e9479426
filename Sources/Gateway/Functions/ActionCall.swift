import JSON
import Postgres

/// What an action of either function gets, as one immutable value: the request, the verified
/// caller and the worker's services; and the builders for the history rows it writes (always
/// from this request: its client address, its caller as the actor).
struct ActionCall {
    let request: APIRequest
    let caller: Principal
    let services: Services

    var body: JSONObject { request.body }
    var settings: Settings { services.settings }
    var database: Database { services.database }

    /// A non-empty string field of the body; nil when absent, null, empty or not a string.
    func text(_ name: String) -> String? {
        guard let value = request.string(name), !value.isEmpty else { return nil }
        return value
    }

    /// A `device_events` row from this request (its client address included).
    func event(_ type: String, deviceID: String, _ details: KeyValuePairs<String, JSONValue>) -> DeviceEvent {
        DeviceEvent(deviceID: deviceID, type: type, details: JSONObject(details), ipAddress: request.clientAddress)
    }

    /// An `audit_logs` row with the caller as the actor.
    func audit(_ event: String, organizationID: String?, _ details: KeyValuePairs<String, JSONValue>) -> AuditEntry {
        AuditEntry(organizationID: organizationID, userID: caller.userID, event: event, details: JSONObject(details))
    }
}

extension JSONObject {
    /// Keeps the literal's order (event details read best in the order they were written).
    init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.init(pairs.map { ($0.key, $0.value) })
    }
}
