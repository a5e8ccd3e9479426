import JSON

/// One action of `/functions/v1/device-enrollment`, chosen by the body's `action`. It gets
/// the call and the device fields, validated before anything else ran.
protocol EnrollmentAction {
    /// The `action` value the portal sends.
    static var name: String { get }
    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue
}
