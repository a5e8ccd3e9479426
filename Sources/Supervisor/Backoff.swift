import Glibc

/// Restart delay for a slot whose children keep dying. Only a crash loop backs off: a child
/// that dies young on its own (a non-zero exit or a fault signal soon after starting) doubles
/// the delay, capped, so that it costs a few spawns a second and not a spinning CPU. A healthy
/// child killed from outside (an operator, the OOM killer, a fault drill) is replaced at once:
/// backing off there would only shrink the pool while it is under load.
struct Backoff {
    var initialSeconds = 0.1
    var maximumSeconds = 10.0
    /// A child that ran at least this long before dying on its own was not part of a crash loop.
    var healthyAfterSeconds = 10.0
    /// A child killed from outside counts as healthy once it served a request or lived this long
    /// (a child killed during its start-up may be failing at start, and still backs off).
    var warmUpSeconds = 1.0
    private(set) var consecutiveFailures = 0

    mutating func recordExit(_ cause: ChildExit.Cause, lifetimeSeconds: Double, servedRequests: Bool) -> Double {
        switch cause {
        case .finished:
            consecutiveFailures = 0
            return 0
        case .killedFromOutside where servedRequests || lifetimeSeconds >= warmUpSeconds:
            consecutiveFailures = 0
            return 0
        case .diedOnItsOwn where lifetimeSeconds >= healthyAfterSeconds:
            consecutiveFailures = 0
            return initialSeconds
        case .killedFromOutside, .diedOnItsOwn:
            consecutiveFailures += 1
            let exponent = Double(min(consecutiveFailures - 1, 20))
            return min(initialSeconds * pow(2.0, exponent), maximumSeconds)
        }
    }
}
