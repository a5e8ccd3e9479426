import Tailscale

/// A node of the synced inventory: the device object as the API sent it, and whether it is
/// online now (decided in SQL, against the database's clock: `InventoryStore.nodeIsOnline`).
public struct InventoryNode: Sendable {
    public let device: TailscaleDevice
    public let online: Bool

    init(device: TailscaleDevice, online: Bool) {
        self.device = device
        self.online = online
    }
}
