/// A device-list answer (`{"devices": [...]}`) as the API sent it, known to be the documented
/// shape: every element a device that `TailscaleDevice(json:)` reads. Only
/// `TailscaleClient.deviceListDocument()` makes one.
public struct TailscaleDeviceListDocument: Sendable {
    public let json: String

    init(json: String) {
        self.json = json
    }
}
