import Postgres
import Tailscale

/// Which nodes of the tailnet a caller may see in `list-devices`: `global_admin` and
/// `service_role` the whole tailnet; an `org_admin` the nodes linked to devices of their
/// organization and unlinked nodes carrying one of its tags; anyone else the nodes linked to
/// their own devices. One organization's admin never sees another organization's machines.
enum VisibleNodes {
    case all
    case organization(linkedHere: Set<String>, linkedElsewhere: Set<String>, tags: Set<String>)
    case linkedToUser(Set<String>)

    // A device's tailscale_device_id may hold the node's id or its nodeId (the portal writes
    // either), so both are matched.
    static let organizationSQL = """
        SELECT to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE organization_id = $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked_here,
               to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE organization_id IS DISTINCT FROM $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked_elsewhere,
               to_json(\(OrganizationTailscaleConfig.tagsSQL(organizationColumn: "$1::uuid")))::text AS tags
        """

    static let userSQL = """
        SELECT to_json(array(SELECT tailscale_device_id FROM devices
                             WHERE user_id = $1::uuid AND tailscale_device_id IS NOT NULL))::text AS linked
        """

    static func scope(for caller: Principal, in database: Database) throws -> VisibleNodes {
        if try caller.isServiceRole || caller.isGlobalAdmin { return .all }
        let profile = try caller.loadProfile()
        if profile?.role == .orgAdmin, let organizationID = profile?.organizationID {
            let row = try database.withConnection { connection in try connection.query(organizationSQL, [organizationID]).first }
            return .organization(linkedHere: strings(row?["linked_here"]), linkedElsewhere: strings(row?["linked_elsewhere"]),
                                 tags: strings(row?["tags"]))
        }
        guard let userID = caller.userID else { return .linkedToUser([]) }
        let row = try database.withConnection { connection in try connection.query(userSQL, [userID]).first }
        return .linkedToUser(strings(row?["linked"]))
    }

    func filter(_ devices: [TailscaleDevice]) -> [TailscaleDevice] {
        switch self {
        case .all:
            return devices
        case .organization(let linkedHere, let linkedElsewhere, let tags):
            return devices.filter { device in
                if Self.isLinked(device, in: linkedHere) { return true }
                return !Self.isLinked(device, in: linkedElsewhere) && device.tags.contains(where: tags.contains)
            }
        case .linkedToUser(let linked):
            return devices.filter { Self.isLinked($0, in: linked) }
        }
    }

    private static func isLinked(_ device: TailscaleDevice, in ids: Set<String>) -> Bool {
        ids.contains(device.id) || device.nodeId.map(ids.contains) == true
    }

    private static func strings(_ json: String?) -> Set<String> {
        Set(TagList.parse(json) ?? [])
    }
}
