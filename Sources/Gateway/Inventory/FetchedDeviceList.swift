import Postgres
import Tailscale

/// A device list as the API sent it, with when it was requested by the database's clock (read
/// just before the call). Syncs fetch outside their transaction, so two can commit in the other
/// order than they fetched: the request time is how `InventoryStore.sync` keeps the newer list.
public struct FetchedDeviceList: Sendable {
    public let document: TailscaleDeviceListDocument
    /// `InventoryStore.listRequestTime`: a timestamptz as PostgreSQL prints it.
    let requestedAt: String

    init(document: TailscaleDeviceListDocument, requestedAt: String) {
        self.document = document
        self.requestedAt = requestedAt
    }

    /// Reads the clock, then lists the tailnet.
    static func fetch(from client: TailscaleClient, database: Database) throws -> FetchedDeviceList {
        let requestedAt = try InventoryStore.listRequestTime(in: database)
        return FetchedDeviceList(document: try client.deviceListDocument(), requestedAt: requestedAt)
    }
}
