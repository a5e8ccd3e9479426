import Postgres
import Tailscale

/// What one sync changed.
public struct SyncOutcome: Sendable, Equatable {
    /// Local devices linked to a node of the tailnet (in the sync's scope).
    public let linkedDevices: Int
    /// Nodes in the tailnet.
    public let nodes: Int
    /// Devices that went `active` -> `offline` or back.
    public let statusChanges: Int
}

/// Writes a fetched device list into the inventory and the linked devices, in one transaction
/// with a constant number of statements.
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
        let records = InventoryRecords.json(for: devices)
        return try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(InventorySQL.lockSync)
                let stored = try connection.query(InventorySQL.upsertNodes, [records]).affectedRows
                try connection.query(InventorySQL.deleteVanishedNodes)
                try connection.query(InventorySQL.markSynced, [stored])
                let row = try connection.query(LinkedDevicesSQL.update,
                                               [organizationID, offlineAfterSeconds, clientAddress, source]).first
                guard let row else { throw PostgresRowError.missingColumn("synced") }
                return SyncOutcome(linkedDevices: try row.requiredInt("synced"), nodes: stored,
                                   statusChanges: try row.requiredInt("status_changes"))
            }
        }
    }
}
