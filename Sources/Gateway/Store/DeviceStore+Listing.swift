import JSON
import Postgres

/// Which devices a listing covers: chosen by `ListDevicesAction` from who is asking.
enum DeviceListingScope: Equatable {
    case organization(String)
    case user(String)
    case everything

    var name: String {
        switch self {
        case .organization: "organization"
        case .user: "user"
        case .everything: "all"
        }
    }
}

/// The listing (`list_devices`): one statement per page, an index range read in the listing's
/// order (`009_device_listing.sql`), newest first, with the linked node from the inventory.
extension DeviceStore {
    /// A page of devices, and the cursor of the next page (nil on the last one).
    struct ListingPage {
        let devices: [JSONValue]
        let nextCursor: String?
    }

    static func page(_ scope: DeviceListingScope, after cursor: String?, limit: Int, in database: Database) throws -> ListingPage {
        let key: String? = switch scope {
        case .organization(let id), .user(let id): id
        case .everything: nil
        }
        // The scope's key and the cursor when there are any, then the limit (`listingSQL`).
        // One row more than asked tells whether another page follows, without counting.
        let parameters: [PostgresBindable?] = [key, cursor].compactMap { $0 } as [PostgresBindable?] + [limit + 1]
        let sql = statement(scope, continued: cursor != nil)
        let rows = try database.query(sql, parameters).rows
        let page = rows.prefix(limit)
        return ListingPage(devices: try page.map(listedDevice), nextCursor: rows.count > limit ? try page.last?.required("id") : nil)
    }

    private static func listedDevice(_ row: ResultRow) throws -> JSONValue {
        var device = JSONObject()
        for column in textColumns { device[column] = .optional(try row.value(column)) }
        for column in flagColumns { device[column] = .bool(try row.requiredBool(column)) }
        return .object(device)
    }

    /// The answer's fields, in this order, as the statement names its columns.
    static let textColumns = [
        "id", "name", "device_type", "os", "status", "trust_level", "user_id", "owner_name", "organization_id",
        "last_seen", "enrolled_at", "created_at", "enrollment_expires_at", "tailscale_device_id",
        "tailscale_hostname", "tailscale_ip",
    ]
    static let flagColumns = ["tailscale_online", "link_ambiguous", "revocation_pending"]

    /// One statement per scope and per first or later page (never `$1 IS NULL OR ...`), so
    /// that each plan is a range read of its own index. The cursor is the id of the last device
    /// of the previous page: the page continues strictly after it in (created_at, id) order (a
    /// cursor that names no device gives an empty page).
    private static func statement(_ scope: DeviceListingScope, continued: Bool) -> String {
        switch (scope, continued) {
        case (.organization, false): organizationFirstSQL
        case (.organization, true): organizationNextSQL
        case (.user, false): userFirstSQL
        case (.user, true): userNextSQL
        case (.everything, false): everythingFirstSQL
        case (.everything, true): everythingNextSQL
        }
    }

    static let organizationFirstSQL = listingSQL(scope: "d.organization_id = $1::uuid", cursor: nil, limit: 2)
    static let organizationNextSQL = listingSQL(scope: "d.organization_id = $1::uuid", cursor: 2, limit: 3)
    static let userFirstSQL = listingSQL(scope: "d.user_id = $1::uuid", cursor: nil, limit: 2)
    static let userNextSQL = listingSQL(scope: "d.user_id = $1::uuid", cursor: 2, limit: 3)
    static let everythingFirstSQL = listingSQL(scope: nil, cursor: nil, limit: 1)
    static let everythingNextSQL = listingSQL(scope: nil, cursor: 1, limit: 2)

    /// - Parameters: the scope's condition on `$1` (if any), the parameter number of the cursor
    ///   (if any) and of the limit.
    private static func listingSQL(scope condition: String?, cursor: Int?, limit: Int) -> String {
        let after = cursor.map {
            "(d.created_at, d.id) < (SELECT c.created_at, c.id FROM devices c WHERE c.id = $\($0)::uuid)"
        }
        let filters = [condition, after].compactMap { $0 }
        return """
            SELECT d.id::text AS id, d.name, d.device_type, d.os, d.status, d.trust_level,
                   d.user_id::text AS user_id, p.full_name AS owner_name, d.organization_id::text AS organization_id,
                   \(utcTimestamp("d.last_seen")) AS last_seen, \(utcTimestamp("d.enrolled_at")) AS enrolled_at,
                   \(utcTimestamp("d.created_at")) AS created_at, \(utcTimestamp("d.enrollment_expires_at")) AS enrollment_expires_at,
                   d.tailscale_device_id,
                   coalesce(n.hostname, d.tailscale_hostname) AS tailscale_hostname,
                   coalesce(n.addresses[1], d.tailscale_ip) AS tailscale_ip,
                   CASE WHEN n.node_id IS NULL THEN coalesce(d.tailscale_online, false)
                        ELSE \(InventoryStore.nodeIsOnline) END AS tailscale_online,
                   (d.status = \(DeviceStatus.pending.sql) AND EXISTS (
                       SELECT 1 FROM device_events e
                       WHERE e.device_id = d.id AND e.event_type = 'tailscale_link_ambiguous')) AS link_ambiguous,
                   (r.device_id IS NOT NULL AND r.completed_at IS NULL) AS revocation_pending
            FROM devices d
            LEFT JOIN profiles p ON p.id = d.user_id
            LEFT JOIN tailscale_nodes n ON n.node_id = d.tailscale_device_id
            LEFT JOIN device_revocations r ON r.device_id = d.id
            \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT $\(limit)
            """
    }

    /// RFC 3339 UTC with milliseconds, as the other answers write times.
    private static func utcTimestamp(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
