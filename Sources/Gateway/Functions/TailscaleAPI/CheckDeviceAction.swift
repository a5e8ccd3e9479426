import JSON

/// `check-device`: is a machine in the tailnet, and online? The portal calls it signed out,
/// with only the anon key, so anonymous calls are limited per client address. Answered from
/// the synced inventory: one indexed query while it is fresh.
enum CheckDeviceAction: TailscaleAction {
    static let name = "check-device"
    static let acceptsAnonymousKey = true
    static let notFound: JSONValue = [
        "success": true, "found": false, "online": false, "message": "Device not found in Tailscale network",
    ]

    static func run(_ call: ActionCall) throws -> JSONValue {
        if call.caller.tokenRole == .anon { try limitAnonymousCaller(call) }
        guard let identifier = call.text("identifier") else { throw APIError.badRequest("Device identifier required") }
        let lookup = NodeLookup(database: call.database, maxAgeSeconds: call.settings.monitor.inventoryMaxAgeSeconds)
        let node = try InventoryRefresher(services: call.services)
            .withFreshInventory(clientAddress: call.request.clientAddress) { try lookup.node(identifier: identifier) }
        guard let node else { return Self.notFound }
        // The anon key ships in the portal's web bundle: it learns only what the portal shows.
        let device = call.caller.tokenRole == .anon ? CompatibleDevice.publicSummary(node.device) : CompatibleDevice.summary(node.device)
        return ["success": true, "found": true, "online": .bool(node.online), "device": device]
    }

    /// Anonymous checks per client address and minute (ANONYMOUS_CHECKS_PER_MINUTE), counted
    /// per host in shared memory: a poll is a read and costs no database write.
    private static func limitAnonymousCaller(_ call: ActionCall) throws {
        let limiter = HostRateLimit(counters: call.services.hostCounters, limit: call.services.settings.anonymousChecksPerMinute,
                                    windowSeconds: RateLimiter.anonymousCheckWindowSeconds)
        if let retryAfter = limiter.hit("check-device:ip:" + RateLimiter.addressKey(call.request.clientAddress)) {
            throw APIError.tooManyRequests(retryAfterSeconds: retryAfter)
        }
    }
}
