import Postgres

/// The gauges a metrics scrape reads from the database: the inventory's age and the devices by
/// status (one grouped query). Status labels are the known statuses only.
struct ScrapeGauges {
    static let inventoryAgeSQL = """
        SELECT extract(epoch FROM now() - synced_at)::float8::text AS age FROM tailscale_sync_state WHERE id = 1
        """
    static let devicesByStatusSQL = "SELECT status::text AS status, count(*)::int AS devices FROM devices GROUP BY status"

    /// Seconds since the last sync (nil before the first), and the devices per status.
    let inventoryAgeSeconds: Double?
    let devicesByStatus: [(status: String, devices: Int)]

    static func read(from database: Database) throws -> ScrapeGauges {
        try database.withConnection { connection in
            let age = try connection.query(inventoryAgeSQL).first?.value("age").flatMap(Double.init)
            var counts = Dictionary(uniqueKeysWithValues: DeviceStatus.allCases.map { ($0.rawValue, 0) })
            for row in try connection.query(devicesByStatusSQL).rows {
                let status = DeviceStatus(rawValue: try row.required("status"))?.rawValue ?? "other"
                counts[status, default: 0] += try row.requiredInt("devices")
            }
            return ScrapeGauges(inventoryAgeSeconds: age, devicesByStatus: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }
}
