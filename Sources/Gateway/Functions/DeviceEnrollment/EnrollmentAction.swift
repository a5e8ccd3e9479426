import JSON
import Postgres

/// One action of `/functions/v1/device-enrollment`, chosen by the body's `action`.
protocol EnrollmentAction {
    /// The `action` value the portal sends.
    static var name: String { get }
    init(_ call: EnrollmentCall)
    func run() throws -> JSONValue
}

/// What every action gets: the request, the verified caller and the validated device fields.
struct EnrollmentCall {
    let request: APIRequest
    let services: Services
    let caller: Principal
    let fields: EnrollmentFields

    var body: JSONObject { request.body }
    var settings: Settings { services.settings }
    var database: Database { services.database }
    var authKeys: AuthKeyResolver { AuthKeyResolver(services: services) }

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
