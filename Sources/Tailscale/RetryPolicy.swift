import OperatingSystem

/// When to try an exchange again, and how long to wait first.
struct RetryPolicy {
    let maxAttempts: Int
    let baseMilliseconds: Int
    let capMilliseconds: Int

    init(configuration: TailscaleConfiguration) {
        maxAttempts = max(1, configuration.maxAttempts)
        baseMilliseconds = max(1, configuration.backoffBaseMilliseconds)
        capMilliseconds = max(baseMilliseconds, configuration.backoffCapMilliseconds)
    }

    /// "Full jitter": uniformly random up to the capped exponential, so that many workers that
    /// failed together do not retry together.
    func backoffMilliseconds(afterAttempt attempt: Int) -> Int {
        let exponent = min(max(0, attempt - 1), 20)
        let ceiling = min(capMilliseconds, baseMilliseconds << exponent)
        return Int.random(in: 0...ceiling)
    }

    /// `Retry-After` as delta-seconds or an HTTP date; nil when absent or unreadable.
    static func retryAfterMilliseconds(_ header: String?, nowUnixSeconds: Int64) -> Int? {
        guard let header else { return nil }
        let value = header.trimmed(.blanks)
        if let seconds = Int(value), seconds >= 0 {
            return min(seconds, 86_400) * 1000
        }
        guard let date = Timestamp.unixSeconds(httpDate: value) else { return nil }
        return Int(min(max(0, date - nowUnixSeconds), 86_400)) * 1000
    }
}
