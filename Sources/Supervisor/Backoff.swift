/// Restart delay for a slot whose children keep dying: doubles per consecutive crash, capped,
/// so that a crash loop costs little CPU; a child that lived long enough resets it.
struct Backoff {
    var initialSeconds = 0.1
    var maximumSeconds = 10.0
    /// A child that ran at least this long before dying was not part of a crash loop.
    var healthyAfterSeconds = 10.0
    private(set) var consecutiveFailures = 0

    mutating func recordExit(crashed: Bool, lifetimeSeconds: Double) -> Double {
        if !crashed || lifetimeSeconds >= healthyAfterSeconds {
            consecutiveFailures = 0
            return crashed ? initialSeconds : 0
        }
        consecutiveFailures += 1
        let exponent = Double(min(consecutiveFailures - 1, 20))
        return min(initialSeconds * pow(2.0, exponent), maximumSeconds)
    }
}

#if canImport(Glibc)
import Glibc
#endif
