import Postgres

/// Finds nodes in the synced inventory with one indexed query that also tells whether the
/// inventory is fresh enough to answer from.
public struct NodeLookup {
    let database: Database
    let maxAgeSeconds: Int

    public init(database: Database, maxAgeSeconds: Int) {
        self.database = database
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// check-device: by hostname, MagicDNS name, address or node id (`InventoryStore.byIdentifierSQL`).
    public func node(identifier: String) throws -> (InventoryNode?, fresh: Bool) {
        try InventoryStore.node(identifier: Self.normalizedIdentifier(identifier), maxAgeSeconds: maxAgeSeconds, in: database)
    }

    /// Every node `identifier` names, best first (`InventoryStore.nodes(identifier:in:)`).
    public func nodes(identifier: String) throws -> [InventoryNode] {
        try InventoryStore.nodes(identifier: Self.normalizedIdentifier(identifier), in: database)
    }

    /// validate-enrollment: the node a device is linked to.
    public func node(linkedTo deviceID: String) throws -> (InventoryNode?, fresh: Bool) {
        try InventoryStore.node(linkedTo: deviceID, maxAgeSeconds: maxAgeSeconds, in: database)
    }

    /// Lower case, without the root dot a fully qualified MagicDNS name may carry.
    static func normalizedIdentifier(_ identifier: String) -> String {
        var text = identifier.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
