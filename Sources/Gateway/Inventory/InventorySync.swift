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
    public func run(_ deviceList: consuming TailscaleDeviceListDocument, organizationID: String? = nil, clientAddress: String,
                    source: String, database: Database) throws -> SyncOutcome {
        let outcome = Result {
            try InventoryStore.sync(deviceList: deviceList, organizationID: organizationID, offlineAfterSeconds: offlineAfterSeconds,
                                    clientAddress: clientAddress, source: source, in: database)
        }
        // The list's text (about 1 MB per thousand nodes) is usually carved out of the space the
        // client's JSON tree of it left free, so it stays resident after it is freed, and so do
        // that tree and libpq's buffers: hand their pages back now, not at the worker's next
        // second, or a worker stays larger by about 3 MiB per thousand nodes for a while after
        // every sync.
        _ = consume deviceList
        FreeMemory.returnToTheKernel()
        return try outcome.get()
    }
}
