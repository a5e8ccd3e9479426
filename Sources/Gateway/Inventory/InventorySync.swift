import OperatingSystem
import Postgres
import Tailscale

/// Writes a fetched device list, as the API sent it, into the inventory and the linked devices,
/// in one transaction with a constant number of statements (`InventoryStore.sync`).
public struct InventorySync {
    /// Seconds an `active` device may go unseen before it becomes `offline`.
    public let offlineAfterSeconds: Int

    public init(offlineAfterSeconds: Int) {
        self.offlineAfterSeconds = offlineAfterSeconds
    }

    /// - Parameters:
    ///   - deviceList: kept only if no sync stored a list requested later (`InventoryStore.sync`).
    ///   - organizationID: only devices of this organization are updated; nil for all. The node
    ///     inventory is the whole tailnet either way.
    ///   - clientAddress: `ip_address` of the status-change events.
    ///   - source: who ran the sync, recorded in the events.
    public func run(_ deviceList: consuming FetchedDeviceList, organizationID: String? = nil, clientAddress: String,
                    source: String, database: Database) throws -> SyncOutcome {
        let outcome = Result {
            try InventoryStore.sync(deviceList: deviceList, organizationID: organizationID, offlineAfterSeconds: offlineAfterSeconds,
                                    clientAddress: clientAddress, source: source, in: database)
        }
        // The list's text and libpq's copy of it (about 1 MB per thousand nodes each) are often
        // carved out of free space in a thread's malloc arena, which stays resident after they
        // are freed: hand the pages back once the text is gone, not at the worker's next
        // second, or a worker stays larger by about the list's size for a while after every
        // sync (8 MiB after one of 10,000 nodes when this ran before the text was freed).
        _ = consume deviceList
        FreeMemory.returnToTheKernel()
        return try outcome.get()
    }
}
