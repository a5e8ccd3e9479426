import JSON
import Postgres

/// Which node of the inventory joined the tailnet for a device that is not linked yet: the
/// contract's "Linking a node to a device", for `check_tailscale_status`, `validate-enrollment`
/// and anything else that links.
///
/// The API records no link between a key and the node it created, so the evidence is the
/// device's own single-use key (the node joined after the key was minted, carries its tags,
/// and the API shows the key used), or for a shared key the device's name and the token's
/// time. Never a node that joined before the token, is linked to another device, or carries
/// none of the organization's tags.
public struct NodeLinking {
    /// How a caller may name the node.
    public enum Naming: Sendable {
        /// Only the rules: the device's key, else its name.
        case rules
        /// A hostname from a caller who does not administer the device's organization: it only
        /// breaks a tie between candidates the rules found.
        case hint(String)
        /// A hostname from an admin of the device's organization, which is how an admin resolves
        /// an ambiguous link; the "never" rules still hold.
        case admin(String)

        var isAdmin: Bool {
            if case .admin = self { return true }
            return false
        }
    }

    /// A node the rules allow, with what tells candidates apart.
    struct Candidate {
        let node: InventoryNode
        /// Its hostname is the device's name (lower case, spaces as hyphens), or the hint.
        let matchesName: Bool
        /// Its hostname is the name of another joining device of the organization whose key was
        /// used: most likely that device's machine.
        let namedForAnother: Bool
    }

    enum Choice {
        case node(InventoryNode)
        case none
        case ambiguous([InventoryNode])
    }

    /// The rules' decision among candidates: one is linked; several are narrowed by name, then
    /// by what other joining devices are named (and, among nodes an admin named, by being
    /// connected); what is still more than one is ambiguous, and nothing is guessed.
    static func choose(_ candidates: [Candidate], namedByAdmin: Bool) -> Choice {
        var narrowings: [(Candidate) -> Bool] = [{ $0.matchesName }, { !$0.namedForAnother }]
        if namedByAdmin { narrowings.append { $0.node.online } }
        var remaining = candidates
        for narrowing in narrowings where remaining.count > 1 {
            let narrowed = remaining.filter(narrowing)
            if !narrowed.isEmpty { remaining = narrowed }
        }
        switch remaining.count {
        case 0: return .none
        case 1: return .node(remaining[0].node)
        default: return .ambiguous(candidates.map(\.node))
        }
    }

    let database: Database
    let tokenLifetimeSeconds: Int

    public init(database: Database, tokenLifetimeSeconds: Int) {
        self.database = database
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
    }

    /// The node to link the device to, or nil (none yet, or ambiguous: then a
    /// `tailscale_link_ambiguous` event names the candidates, once, for an admin to resolve).
    public func node(forDevice deviceID: String, naming: Naming, clientAddress: String) throws -> InventoryNode? {
        let (hostname, byAdmin): (String?, Bool)
        switch naming {
        case .rules: (hostname, byAdmin) = (nil, false)
        case .hint(let name): (hostname, byAdmin) = (name.lowercased(), false)
        case .admin(let name): (hostname, byAdmin) = (name.lowercased(), true)
        }
        let candidates = try InventoryStore.linkCandidates(forDevice: deviceID, tokenLifetimeSeconds: tokenLifetimeSeconds,
                                                           hostname: hostname, namedByAdmin: byAdmin, in: database)
        switch Self.choose(candidates, namedByAdmin: byAdmin) {
        case .node(let node): return node
        case .none: return nil
        case .ambiguous(let nodes):
            try recordAmbiguity(deviceID: deviceID, nodes: nodes, clientAddress: clientAddress)
            return nil
        }
    }

    private func recordAmbiguity(deviceID: String, nodes: [InventoryNode], clientAddress: String) throws {
        let sorted = nodes.sorted { $0.device.id < $1.device.id }
        let details: JSONValue = .object(JSONObject([
            ("candidates", .array(sorted.map { .string($0.device.id) })),
            ("hostnames", .array(sorted.map { .string($0.device.hostname) })),
            ("resolve_with", "validate-enrollment with deviceId and hostname, by an admin of the organization"),
        ]))
        try HistoryStore.recordAmbiguity(deviceID: deviceID, details: details, clientAddress: clientAddress, in: database)
    }
}
