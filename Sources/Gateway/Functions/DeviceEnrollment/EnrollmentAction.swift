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
struct EnrollmentCall: ActionCall {
    let request: APIRequest
    let services: Services
    let caller: Principal
    let fields: EnrollmentFields

    var authKeys: AuthKeyResolver { AuthKeyResolver(services: services) }
}
