import VaultCrypto

/// A secret as one row stores it (`enc:v2:`, `enc:v1:` or plain), with the place it was read
/// from: a sealed value opens only where it was sealed.
public struct StoredSecret: Sendable, Equatable {
    public let text: String
    public let location: SecretBox.Location

    public init(_ text: String, at location: SecretBox.Location) {
        self.text = text
        self.location = location
    }
}

extension SecretBox.Location {
    /// `devices.tailscale_auth_key` of one device.
    public static func deviceAuthKey(deviceID: String) -> Self {
        Self(table: "devices", column: "tailscale_auth_key", rowID: deviceID)
    }

    /// `organization_tailscale_config.tailscale_auth_key` of one configuration row.
    public static func organizationAuthKey(configID: String) -> Self {
        Self(table: "organization_tailscale_config", column: "tailscale_auth_key", rowID: configID)
    }
}
