import OperatingSystem
import Postgres
import Tailscale

/// Writes a fetched device list (as the API sent it) into the inventory and the linked devices, in one transaction
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
    public func run(_ deviceList: TailscaleDeviceListDocument, organizationID: String? = nil, clientAddress: String,
                    source: String, database: Database) throws -> SyncOutcome {
        // The tree the client checked the list with and libpq's buffers (megabytes for a
        // large tailnet) are free by now: their pages go back at once, not at the worker's
        // next second, so a worker is not that much larger for a second after every sync.
        defer { FreeMemory.returnToTheKernel() }
        return try InventoryStore.sync(deviceList: deviceList, organizationID: organizationID,
                                offlineAfterSeconds: offlineAfterSeconds, clientAddress: clientAddress, source: source,
                                in: database)
    }
}
