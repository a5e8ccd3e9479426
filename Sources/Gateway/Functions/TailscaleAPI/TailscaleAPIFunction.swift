import JSON

/// `/functions/v1/tailscale-api`: the action comes from the body or the query string.
public struct TailscaleAPIFunction: GatewayFunction {
    public static let missingAuthorization = "Authorization required"
    static let actionTypes: [any TailscaleAction.Type] = [
        ListDevicesAction.self,
        CheckDeviceAction.self,
        GenerateAuthKeyAction.self,
        ValidateEnrollmentAction.self,
        SyncDevicesAction.self,
    ]
    public static let actions = actionTypes.map { $0.name }
    public static let invalidAction = APIError.badRequest("Invalid action. Valid actions: " + actions.joined(separator: ", "))
    public let name = "tailscale-api"

    public init() {}

    public func handle(_ request: APIRequest, services: Services) -> FunctionOutcome {
        FunctionOutcome.collecting { outcome in
            let name = try Self.action(of: request)
            guard let action = Self.actionTypes.first(where: { $0.name == name }) else { throw Self.invalidAction }
            outcome.action = action.name
            let caller = try services.authenticator.authenticate(request, requirement: action.acceptsAnonymousKey ? .userOrAnonymous : .user,
                                                                 missingMessage: Self.missingAuthorization, database: services.database)
            outcome.userID = caller.userID
            return try action.run(ActionCall(request: request, caller: caller, services: services))
        }
    }

    /// The portal sends the action in the body or as `?action=`; both, and different: 400.
    static func action(of request: APIRequest) throws -> String {
        let fromBody = request.body["action"]
        let fromQuery = request.query["action"]
        if let fromBody, fromBody.stringValue == nil, fromBody != .null { throw invalidAction }
        switch (fromBody?.stringValue, fromQuery) {
        case let (body?, query?) where body != query:
            throw APIError.badRequest("Conflicting action: body and query string differ")
        case let (body?, _): return body
        case let (nil, query?): return query
        case (nil, nil): throw invalidAction
        }
    }
}
