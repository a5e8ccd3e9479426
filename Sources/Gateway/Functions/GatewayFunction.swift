import JSON

/// One function under `/functions/v1/<name>`: it picks the action, authenticates the caller
/// and runs the action.
public protocol GatewayFunction {
    var name: String { get }
    /// Never throws: a failure is the outcome's answer, so that the access log still learns
    /// which action ran and for whom.
    func handle(_ request: APIRequest, services: Services) -> FunctionOutcome
}

/// What a function answers, with what the access log reports of the call.
public struct FunctionOutcome {
    /// The action, once it is known to be a valid one (never free text from the client).
    public var action: String?
    /// The caller's user id, once the token was verified.
    public var userID: String?
    public var answer: Result<JSONValue, any Error>

    /// Runs `body`, which fills in the action and the caller as it learns them and returns the
    /// answer; what it throws becomes the answer.
    static func collecting(_ body: (inout FunctionOutcome) throws -> JSONValue) -> FunctionOutcome {
        var outcome = FunctionOutcome(action: nil, userID: nil, answer: .success(.null))
        do {
            let value = try body(&outcome)
            outcome.answer = .success(value)
        } catch {
            outcome.answer = .failure(error)
        }
        return outcome
    }
}
