import Postgres
import Tailscale

/// Writes a fetched device list into the inventory and the linked devices, in one transaction
/// with a constant number of statements (`InventoryStore.sync`).
public struct InventorySync {
    /// Seconds an `active` device may go unseen before it becomes `offline`.
    public let offlineAfterSeconds: Int

    public init(offlineAfterSeconds: Int) {
        self.offlineAfterSeconds = offlineAfterSeconds
    }

    /// - Parameters:
    ///   - organizationID: only devices of this organization are updated; nil for all. The node
    ///     inventory is the whole tailnet either way.
    ///   - clientAddress: `ip_address` of the status-change events.
    ///   - source: who ran the sync, recorded in the events.
    public func run(_ devices: [TailscaleDevice], organizationID: String? = nil, clientAddress: String,
                    source: String, database: Database) throws -> SyncOutcome {
        try InventoryStore.sync(records: InventoryRecords.json(for: devices), organizationID: organizationID,
                                offlineAfterSeconds: offlineAfterSeconds, clientAddress: clientAddress, source: source,
                                in: database)
    }
}
