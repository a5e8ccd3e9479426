/// A device that is joining the tailnet, with the node it is linked to (if any), as
/// `check_tailscale_status` polls it (`DeviceStore.joining`).
public struct JoiningDevice: Sendable {
    public let id: String
    public let userID: String
    public let organizationID: String?
    public let status: DeviceStatus
    /// The linked node (rule 1 of the linking rules); an unlinked device's node is found by
    /// `NodeLinking`.
    public let node: InventoryNode?
}
