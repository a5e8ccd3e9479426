import JSON

/// `/functions/v1/device-enrollment`: every action needs a user (or `service_role`) token.
public struct DeviceEnrollmentFunction: GatewayFunction {
    public static let missingAuthorization = "Authorization header required"
    public let name = "device-enrollment"

    /// Every action, one line each (`check_tailscale_status` joins with the Tailscale actions).
    static let actions: [any EnrollmentAction.Type] = [
        CreatePendingDeviceAction.self,
        GenerateTokenAction.self,
        SilentEnrollmentAction.self,
        VerifyTokenAction.self,
        CheckTailscaleStatusAction.self,
        DeviceListingAction.self,
        DeviceRevocationAction.self,
    ]

    public init() {}

    /// The contract's order: field validation before anything else, then authentication, then
    /// the action (an unknown one is a 400 only for an authenticated caller).
    public func handle(_ request: APIRequest, services: Services) -> FunctionOutcome {
        FunctionOutcome.collecting { outcome in
            let fields = try EnrollmentFields(request.body)
            let action = request.string("action").flatMap { name in Self.actions.first { $0.name == name } }
            outcome.action = action?.name
            let caller = try services.authenticator.authenticate(request, requirement: .user, missingMessage: Self.missingAuthorization,
                                                                 database: services.database)
            outcome.userID = caller.userID
            guard let action else { throw EnrollmentError.invalidAction }
            return try action.run(ActionCall(request: request, caller: caller, services: services), fields: fields)
        }
    }
}
