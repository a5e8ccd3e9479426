import Postgres
import Tailscale

/// Refreshes a stale inventory for the polling actions, so that a crowd of pollers costs the
/// Tailscale API one device-list call per few seconds instead of one per request.
///
/// The refresh is leased through a conditional UPDATE of `tailscale_sync_state`: of all the
/// workers (on all hosts) that find the inventory stale, exactly one wins the lease and calls
/// the API; the rest answer from what is there. A poller first reads whether the lease is free,
/// so that while one refreshes, the others poll by reads alone. A lease that is never released (its holder
/// died, or Tailscale failed) runs out after one API deadline, which doubles as a back-off
/// while Tailscale is down.
public struct InventoryRefresher {
    public enum Outcome: Equatable {
        case refreshed(SyncOutcome)
        /// Someone else holds the lease, or refreshed it a moment ago.
        case leftToAnother
    }

    let services: Services

    public init(services: Services) {
        self.services = services
    }

    /// Call after a lookup reported the inventory stale. Throws the Tailscale error when this
    /// worker held the lease and the API failed.
    public func refresh(clientAddress: String) throws -> Outcome {
        let client = try services.requireTailscale()
        let monitor = services.settings.monitor
        let leaseSeconds = services.settings.tailscale.deadlineMilliseconds / 1000 + 2
        let claimed = try InventoryStore.claimRefreshLease(maxAgeSeconds: monitor.inventoryMaxAgeSeconds, leaseSeconds: leaseSeconds,
                                                           in: services.database)
        guard claimed else { return .leftToAnother }
        let outcome = try InventorySync(offlineAfterSeconds: monitor.offlineAfterSeconds)
            .run(InventoryFetch(client: client, services: services).deviceList(), clientAddress: clientAddress, source: "poll",
                 database: services.database)
        return .refreshed(outcome)
    }

    /// Runs `lookup` against the inventory; when it reports a stale inventory, refreshes once
    /// and looks again. `lookup` answers its result and whether the inventory was fresh.
    public func withFreshInventory<T>(clientAddress: String, _ lookup: () throws -> (T, fresh: Bool)) throws -> T {
        let (first, fresh) = try lookup()
        if fresh { return first }
        switch try refresh(clientAddress: clientAddress) {
        case .refreshed: return try lookup().0
        case .leftToAnother: return first
        }
    }
}
