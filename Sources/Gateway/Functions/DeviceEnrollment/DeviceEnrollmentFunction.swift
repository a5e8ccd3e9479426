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
    ]

    public init() {}

    /// The contract's order: field validation before anything else, then authentication, then
    /// the action (an unknown one is a 400 only for an authenticated caller).
    public func handle(_ context: RequestContext) throws -> JSONValue {
        let fields = try EnrollmentFields(context.request.body)
        let action = context.request.string("action").flatMap { name in Self.actions.first { $0.name == name } }
        // Only known names reach the access log: the field is free text from the client.
        context.action = action?.name
        let caller = try context.authenticate(.user, missingMessage: Self.missingAuthorization)
        guard let action else { throw EnrollmentError.invalidAction }
        return try action.init(EnrollmentCall(request: context.request, services: context.services,
                                              caller: caller, fields: fields)).run()
    }
}
