import JSON

/// One function under `/functions/v1/<name>`: it picks the action and answers it.
public protocol GatewayFunction {
    var name: String { get }
    func handle(_ context: RequestContext) throws -> JSONValue
}

/// Everything an action needs while it runs; also collects what the access log reports.
public final class RequestContext {
    public let request: APIRequest
    public let services: Services
    /// The action being run, once the function knows it is a valid one (logged; never free text
    /// from the client).
    public var action: String?
    /// Set by `authenticate`; its user id is logged.
    public private(set) var principal: Principal?

    init(request: APIRequest, services: Services) {
        self.request = request
        self.services = services
    }

    public var settings: Settings { services.settings }

    @discardableResult
    public func authenticate(_ requirement: Authenticator.Requirement, missingMessage: String) throws -> Principal {
        let principal = try services.authenticator.authenticate(request, requirement: requirement,
                                                                missingMessage: missingMessage, database: services.database)
        self.principal = principal
        return principal
    }
}
