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

    static func scope(for caller: Principal, in database: Database) throws -> VisibleNodes {
        if try caller.isServiceRole || caller.isGlobalAdmin { return .all }
        let profile = try caller.loadProfile()
        if profile?.role == .orgAdmin, let organizationID = profile?.organizationID {
            let nodes = try DeviceStore.nodes(ofOrganization: organizationID, in: database)
            return .organization(linkedHere: nodes.linkedHere, linkedElsewhere: nodes.linkedElsewhere, tags: nodes.tags)
        }
        guard let userID = caller.userID else { return .linkedToUser([]) }
        return .linkedToUser(try DeviceStore.nodes(ofUser: userID, in: database))
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

    /// A device's `tailscale_device_id` may hold the node's id or its nodeId (the portal
    /// writes either), so both are matched.
    private static func isLinked(_ device: TailscaleDevice, in ids: Set<String>) -> Bool {
        ids.contains(device.id) || device.nodeId.map(ids.contains) == true
    }
}
