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

    // $1 device id, $2 enrollment token lifetime (seconds), $3 the caller's hostname (lower
    // case) or NULL, $4 whether an admin named the node by $3.
    // The token's issue time is derived from its expiry; a device that never had a token (silent
    // enrollment) links only through its own key or an admin. Times compare to the second: the
    // API's have no fraction.
    static let candidatesSQL = """
        WITH d AS (
            SELECT dv.id, dv.organization_id, lower(replace(dv.name, ' ', '-')) AS expected_hostname,
                   dv.tailscale_key_id IS NOT NULL AS own_key, dv.tailscale_key_used_at IS NOT NULL AS key_used,
                   date_trunc('second', dv.tailscale_key_created_at) AS key_created_at,
                   coalesce(dv.tailscale_key_expires_at, 'infinity') AS key_expires_at, dv.tailscale_key_tags AS key_tags,
                   date_trunc('second', dv.enrollment_expires_at - make_interval(secs => $2)) AS token_issued_at,
                   date_trunc('second', dv.created_at) AS device_created_at,
                   \(OrganizationTailscaleConfig.tagsSQL(organizationColumn: "dv.organization_id")) AS organization_tags
            FROM devices dv WHERE dv.id = $1::uuid
        )
        SELECT \(InventoryNode.columns),
               coalesce(lower(n.hostname) = d.expected_hostname OR lower(n.hostname) = $3, false) AS matches_name,
               EXISTS (SELECT 1 FROM devices o
                       WHERE o.id <> d.id AND o.status = \(DeviceStatus.pending.sql) AND o.tailscale_device_id IS NULL
                         AND o.tailscale_key_used_at IS NOT NULL AND o.organization_id IS NOT DISTINCT FROM d.organization_id
                         AND lower(replace(o.name, ' ', '-')) = lower(n.hostname)) AS named_for_another
        FROM d JOIN tailscale_nodes n
          ON n.tags && d.organization_tags
         AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = n.node_id AND o.id <> d.id)
         AND n.created_at >= coalesce(d.token_issued_at, d.device_created_at)
         AND CASE WHEN $4::boolean THEN lower(n.hostname) = $3
                  WHEN d.own_key THEN d.key_used AND n.created_at >= d.key_created_at
                                      AND n.created_at <= d.key_expires_at AND n.tags @> d.key_tags
                  ELSE d.token_issued_at IS NOT NULL AND lower(n.hostname) = d.expected_hostname END
        ORDER BY n.created_at DESC
        LIMIT 20
        """

    /// One row per distinct set of candidates: a device polled every 5 s while ambiguous gets
    /// one event, not one per poll. $1 device id, $2 details, $3 client address.
    static let recordAmbiguitySQL = """
        INSERT INTO device_events (device_id, event_type, details, ip_address)
        SELECT $1::uuid, 'tailscale_link_ambiguous', $2::jsonb, $3
        WHERE NOT EXISTS (SELECT 1 FROM device_events
                          WHERE device_id = $1::uuid AND event_type = 'tailscale_link_ambiguous'
                            AND details->'candidates' = $2::jsonb->'candidates')
        """

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
        let rows = try database.withConnection { connection in
            try connection.query(Self.candidatesSQL, [deviceID, tokenLifetimeSeconds, hostname, byAdmin]).rows
        }
        let candidates = try rows.compactMap { row -> Candidate? in
            guard let node = try InventoryNode(row: row) else { return nil }
            return Candidate(node: node, matchesName: try row.requiredBool("matches_name"),
                             namedForAnother: try row.requiredBool("named_for_another"))
        }
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
        try database.withConnection { connection in
            try connection.query(Self.recordAmbiguitySQL, [deviceID, details.serialized(), clientAddress])
        }
    }
}
