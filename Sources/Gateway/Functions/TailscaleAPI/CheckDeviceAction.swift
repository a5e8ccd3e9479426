import JSON

/// `check-device`: is a machine in the tailnet, and online? The portal calls it signed out,
/// with only the anon key, so anonymous calls are limited per client address. Answered from
/// the synced inventory: one indexed query while it is fresh.
struct CheckDeviceAction: TailscaleAction {
    static let name = "check-device"
    static let acceptsAnonymousKey = true
    static let notFound: JSONValue = [
        "success": true, "found": false, "online": false, "message": "Device not found in Tailscale network",
    ]

    let call: TailscaleCall

    init(_ call: TailscaleCall) { self.call = call }

    func run() throws -> JSONValue {
        if call.caller.tokenRole == .anon { try limitAnonymousCaller() }
        guard let identifier = call.text("identifier") else { throw APIError.badRequest("Device identifier required") }
        let lookup = call.nodeLookup()
        let node = try InventoryRefresher(services: call.services)
            .withFreshInventory(clientAddress: call.request.clientAddress) { try lookup.node(identifier: identifier) }
        guard let node else { return Self.notFound }
        return ["success": true, "found": true, "online": .bool(node.online), "device": CompatibleDevice.summary(node.device)]
    }

    /// Anonymous checks per client address and minute (ANONYMOUS_CHECKS_PER_MINUTE), shared by
    /// all workers and hosts through PostgreSQL.
    private func limitAnonymousCaller() throws {
        let bucket = "check-device:ip:" + RateLimiter.addressKey(call.request.clientAddress)
        let limiter = RateLimiter(limit: call.services.settings.anonymousChecksPerMinute, windowSeconds: RateLimiter.anonymousCheckWindowSeconds)
        let retryAfter = try call.database.withConnection { connection in try limiter.hit(bucket: bucket, on: connection) }
        if let retryAfter { throw APIError.tooManyRequests(retryAfterSeconds: retryAfter) }
    }
}
