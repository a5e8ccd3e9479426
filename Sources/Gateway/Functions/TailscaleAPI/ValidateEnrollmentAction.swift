import JSON

/// `validate-enrollment`: once a connected node carries the device's hostname, the device is
/// enrolled (active, trusted, linked to the node).
enum ValidateEnrollmentAction: TailscaleAction {
    static let name = "validate-enrollment"
    static let notYetVisible: JSONValue = [
        "success": true, "enrolled": false, "message": "Device not yet visible in Tailscale network",
    ]

    static func run(_ call: ActionCall) throws -> JSONValue {
        guard let deviceID = call.text("deviceId") else { throw APIError.badRequest("Device ID required") }
        let device = try AccessibleDevice.load(id: deviceID, for: call)
        // Revocation is an admin's decision; seeing the machine on the tailnet does not undo it.
        guard !device.status.isRetired else { throw APIError.forbidden }
        let naming = try naming(call, for: device)
        let linking = NodeLinking(database: call.database, tokenLifetimeSeconds: call.settings.enrollmentTokenTTLSeconds)
        let found = try InventoryRefresher(services: call.services).withFreshInventory(clientAddress: call.request.clientAddress) {
            try linkedOrCandidate(call, device, naming: naming, linking: linking)
        }
        guard let node = found, node.online else { return Self.notYetVisible }

        let tailscale = node.device
        let event = call.event("tailscale_enrollment_complete", deviceID: device.id, [
            "tailscale_device_id": .string(tailscale.id), "hostname": .string(tailscale.hostname),
            "ip": .optional(tailscale.addresses.first),
        ])
        try DeviceStore.link(device.id, to: node, history: ChangeRecord(deviceEvents: [event]), in: call.database)
        return [
            "success": true, "enrolled": true,
            "device": ["id": .string(tailscale.id), "hostname": .string(tailscale.hostname), "online": true,
                       "ipAddresses": CompatibleDevice.addresses(tailscale)],
        ]
    }

    /// An admin of the device's organization names the node with `hostname`; anyone else's
    /// `hostname` only breaks a tie between nodes the rules allow.
    private static func naming(_ call: ActionCall, for device: AccessibleDevice) throws -> NodeLinking.Naming {
        guard let hostname = call.text("hostname") else { return .rules }
        return try call.caller.isAdmin(of: device.organizationID) ? .admin(hostname) : .hint(hostname)
    }

    /// The linked node, unless an admin names another; else the node the rules find. Answers
    /// the inventory's freshness with it, for `withFreshInventory`.
    private static func linkedOrCandidate(_ call: ActionCall, _ device: AccessibleDevice, naming: NodeLinking.Naming,
                                   linking: NodeLinking) throws -> (InventoryNode?, fresh: Bool) {
        let lookup = NodeLookup(database: call.database, maxAgeSeconds: call.settings.monitor.inventoryMaxAgeSeconds)
        let (linked, fresh) = try lookup.node(linkedTo: device.id)
        if let linked, !naming.isAdmin { return (linked, fresh) }
        return (try linking.node(forDevice: device.id, naming: naming, clientAddress: call.request.clientAddress), fresh)
    }
}
