import JSON

/// `/functions/v1/device-enrollment`: every action needs a user token.
public struct DeviceEnrollmentFunction: GatewayFunction {
    public static let missingAuthorization = "Authorization header required"
    public let name = "device-enrollment"

    public init() {}

    public func handle(_ context: RequestContext) throws -> JSONValue {
        try context.authenticate(.user, missingMessage: Self.missingAuthorization)
        context.action = context.request.string("action")
        throw APIError.badRequest("Invalid action")
    }
}
