import Tailscale

/// The background device monitor: every interval, the leading monitor syncs the inventory from
/// the Tailscale API, which also turns long-unseen `active` devices `offline` and seen ones
/// `active` again (with events and `pg_notify('device_status', ...)`). The others wait.
public final class DeviceMonitor {
    /// What one round did, for the log.
    public enum Round: Equatable {
        case following
        case synced(SyncOutcome)
        case failed
        case notConfigured
    }

    private let services: Services
    private let leadership: MonitorLeadership
    /// nil until the first round, so that the first state is logged too.
    private var wasLeader: Bool?

    public init(services: Services) {
        self.services = services
        leadership = MonitorLeadership(conninfo: services.settings.databaseURL,
                                       connectTimeoutSeconds: services.settings.databaseConnectTimeoutSeconds)
    }

    public var intervalSeconds: Int { services.settings.monitor.intervalSeconds }

    /// One round; logs leadership changes and failures (never a secret: errors here carry none).
    @discardableResult
    public func runRound() -> Round {
        let leading = leadership.claim()
        if leading != wasLeader {
            services.logger.info(leading ? "monitor leads: this process syncs the device inventory" : "monitor follows: another process leads")
            wasLeader = leading
        }
        guard leading else { return .following }
        purgeExpiredRateLimits()
        guard let client = services.tailscale else { return .notConfigured }
        defer { DeviceRevocationUpstream(services: services).retryDue() }
        do {
            let outcome = try InventorySync(offlineAfterSeconds: services.settings.monitor.offlineAfterSeconds)
                .run(InventoryFetch(client: client, services: services).deviceList(), clientAddress: "unknown", source: "monitor",
                     database: services.database)
            if outcome.statusChanges > 0 {
                services.logger.info("device status changes", [("changes", .int(outcome.statusChanges)),
                                                               ("nodes", .int(outcome.nodes)), ("linked", .int(outcome.linkedDevices))])
            }
            return .synced(outcome)
        } catch {
            services.logger.warning("monitor round failed", [("error", .string(String(describing: error)))])
            return .failed
        }
    }

    /// Expired `rate_limits` counters, a few bounded batches per round (each its own short
    /// statement), so the table holds about one window's worth of client addresses. A failure
    /// here is logged and leaves the sync to run.
    private func purgeExpiredRateLimits() {
        let settings = services.settings
        let longestWindow = max(settings.verifyFailureWindowSeconds, RateLimiter.anonymousCheckWindowSeconds)
        do {
            var purged = 0
            for _ in 0..<Self.purgeBatchesPerRound {
                let batch = try services.database.withConnection { connection in
                    try RateLimiter.purgeExpired(olderThanSeconds: longestWindow, batchSize: Self.purgeBatchSize, on: connection)
                }
                purged += batch
                if batch < Self.purgeBatchSize { break }
            }
            if purged > 0 { services.logger.info("expired rate-limit counters purged", [("rows", .int(purged))]) }
        } catch {
            services.logger.warning("rate-limit purge failed", [("error", .string(String(describing: error)))])
        }
    }

    static let purgeBatchSize = 1000
    static let purgeBatchesPerRound = 10

    public func stop() {
        leadership.resign()
    }
}
