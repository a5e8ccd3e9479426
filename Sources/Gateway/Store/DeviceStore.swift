import VaultCrypto
import Postgres

/// The SQL of `devices`, by what the statements serve: reads for access checks and polls
/// here; enrollment (`+Enrollment`), token redemption (`+Redemption`), the listing
/// (`+Listing`), the device's Tailscale columns (`+Tailnet`). Revocation, which also keeps
/// `device_revocations`, is `DeviceRevocationStore`.
///
/// Statements are `static let`s (the statement cache finds them by their storage, without
/// hashing the text), each next to the one method that runs it; the method's bind list follows
/// the statement's `$1…$n` in order.
enum DeviceStore {
    static let accessibleSQL = """
        SELECT id::text AS id, user_id::text AS user_id, organization_id::text AS organization_id, name, status,
               tailscale_hostname
        FROM devices WHERE id = $1::uuid
        """

    /// The device with this id (lower case), for an access check; nil when there is none.
    static func accessible(id: String, in database: Database) throws -> AccessibleDevice? {
        guard UUIDText.isValid(id) else { return nil }
        let row = try database.query(accessibleSQL, [id]).first
        guard let row else { return nil }
        return AccessibleDevice(id: try row.required("id"), userID: try row.required("user_id"),
                                organizationID: try row.value("organization_id"), name: try row.required("name"),
                                status: try DeviceStatus.parse(row.value("status")),
                                tailscaleHostname: try row.value("tailscale_hostname"))
    }

    /// `$1` device id, `$2` inventory maximum age (seconds).
    static let joiningSQL = """
        SELECT d.id::text AS id, d.user_id::text AS user_id, d.organization_id::text AS organization_id, d.status,
               coalesce(s.synced_at >= now() - make_interval(secs => $2), false) AS inventory_fresh, found.*
        FROM devices d
        JOIN tailscale_sync_state s ON s.id = 1
        LEFT JOIN LATERAL (
            SELECT \(InventoryStore.nodeColumns) FROM tailscale_nodes n WHERE n.node_id = d.tailscale_device_id
        ) found ON true
        WHERE d.id = $1::uuid
        """

    /// A device that is joining the tailnet, with its linked node, read in one indexed query
    /// together with the inventory's freshness (the portal polls this every 5 s per joining
    /// device); nil when no device has this id.
    static func joining(id: String, maxAgeSeconds: Int, in database: Database) throws -> (JoiningDevice, fresh: Bool)? {
        guard UUIDText.isValid(id) else { return nil }
        let row = try database.query(joiningSQL, [id, maxAgeSeconds]).first
        guard let row else { return nil }
        let device = JoiningDevice(id: try row.required("id"), userID: try row.required("user_id"),
                                   organizationID: try row.value("organization_id"), status: try DeviceStatus.parse(row.value("status")),
                                   node: try InventoryStore.node(in: row))
        return (device, try row.requiredBool("inventory_fresh"))
    }

    // A device's tailscale_device_id may hold the node's id or its nodeId (the portal writes
    // either): callers match both.
    static let nodesOfOrganizationSQL = """
        SELECT to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE organization_id = $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked_here,
               to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE organization_id IS DISTINCT FROM $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked_elsewhere,
               to_json(\(OrganizationStore.tagsSQL(organizationColumn: "$1::uuid")))::text AS tags
        """

    /// The node ids linked to devices of the organization and to devices elsewhere, and the
    /// organization's tags.
    static func nodes(ofOrganization organizationID: String, in database: Database) throws
        -> (linkedHere: Set<String>, linkedElsewhere: Set<String>, tags: Set<String>) {
        let row = try StoreError.onlyRow(of: database.query(nodesOfOrganizationSQL, [organizationID]))
        return (try stringSet(row, "linked_here"), try stringSet(row, "linked_elsewhere"), try stringSet(row, "tags"))
    }

    static let nodesOfUserSQL = """
        SELECT to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE user_id = $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked
        """

    /// The node ids linked to the user's devices.
    static func nodes(ofUser userID: String, in database: Database) throws -> Set<String> {
        let row = try StoreError.onlyRow(of: database.query(nodesOfUserSQL, [userID]))
        return try stringSet(row, "linked")
    }

    private static func stringSet(_ row: ResultRow, _ column: String) throws -> Set<String> {
        Set(TagList.parse(try row.value(column)) ?? [])
    }
}
