/// A cached OAuth access token and when to stop using it.
struct AccessToken {
    let value: String
    private let renewAtMilliseconds: Int64

    /// Renews 60 s before expiry, or after 90% of the lifetime when that is shorter, so a token
    /// never expires while a request carrying it is in flight.
    init(value: String, lifetimeSeconds: Int, obtainedAtMilliseconds: Int64) {
        self.value = value
        let lifetime = Int64(max(0, lifetimeSeconds)) * 1000
        renewAtMilliseconds = obtainedAtMilliseconds + lifetime - min(60_000, lifetime / 10)
    }

    func isFresh(atMilliseconds now: Int64) -> Bool { now < renewAtMilliseconds }
}
