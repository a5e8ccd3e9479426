import VaultCrypto
import OperatingSystem
import Tailscale

/// A key a machine joins the tailnet with, and whether it was minted for one device alone.
public struct DeviceAuthKey: Sendable {
    public let key: String
    /// The single-use key minted through the API for this device; nil for a shared key (the
    /// request's, the organization's, or the `TAILSCALE_AUTH_KEY` setting), which many devices
    /// may join with, so that only hostname and time can link its nodes.
    public let minted: MintedKey?
}

/// What the service keeps of a minted key to recognise the node that joins with it (never the
/// key itself, which is stored sealed apart).
public struct MintedKey: Sendable {
    public let id: String
    /// RFC 3339, as the API answered.
    public let created: String?
    public let expires: String?
    public let tags: [String]
}

/// What to mint, for whom: the caller and the organization are charged against the mint limits.
public struct MintRequest: Sendable {
    public let tags: [String]
    public let expirySeconds: Int
    public let description: String
    public let userID: String?
    public let organizationID: String?
}

/// Finds the Tailscale auth key a device joins with, in the contract's order: a key the caller
/// already has (the request's, or the device's own), the organization's configured key, a fresh
/// single-use key minted through the API when OAuth is configured, and the `TAILSCALE_AUTH_KEY`
/// setting (the fallback without OAuth).
public struct AuthKeyResolver {
    public enum Minting: Sendable {
        case never
        /// A failed mint fails the action (502 through `TailscaleError`).
        case required(MintRequest)
        /// A failed mint is logged and counts as "no key" (the key was optional anyway).
        case bestEffort(MintRequest)
    }

    /// Tailscale allows at most 50 characters; no device or user data goes into it.
    static let mintedKeyDescription = "nexus-vault device enrollment"

    let services: Services

    public init(services: Services) {
        self.services = services
    }

    /// - Parameters:
    ///   - preferred: a key in clear text that wins over every other source.
    ///   - organization: loads the organization's config; only called when `preferred` is nil.
    public func resolve(preferred: String?, organization: () throws -> OrganizationTailscaleConfig?,
                        minting: Minting) throws -> DeviceAuthKey? {
        if let preferred { return DeviceAuthKey(key: preferred, minted: nil) }
        if let stored = try organization()?.storedAuthKey, let key = reveal(stored) { return DeviceAuthKey(key: key, minted: nil) }
        if services.tailscale != nil {
            switch minting {
            case .never:
                break
            case .required(let request):
                return try mint(request)
            case .bestEffort(let request):
                try charge(request)
                do {
                    return try mintCharged(request)
                } catch {
                    services.logger.warning("could not mint a Tailscale auth key; continuing without one",
                                            [("error", .string(String(describing: error)))])
                    return nil
                }
            }
        }
        return services.settings.tailscale.authKey.map { DeviceAuthKey(key: $0, minted: nil) }
    }

    /// Mints a single-use, pre-authorized, tagged key, charged against the mint limits first
    /// (429 before any call to Tailscale). 503 when no OAuth client is configured.
    public func mint(_ request: MintRequest) throws -> DeviceAuthKey {
        try charge(request)
        return try mintCharged(request)
    }

    /// The static key of an organization, else of the setting (no OAuth client to mint with).
    public func sharedKey(_ config: OrganizationTailscaleConfig?) -> String? {
        reveal(config?.storedAuthKey) ?? services.settings.tailscale.authKey
    }

    private func charge(_ request: MintRequest) throws {
        try KeyMintLimit(settings: services.settings)
            .charge(userID: request.userID, organizationID: request.organizationID, in: services.database)
    }

    private func mintCharged(_ request: MintRequest) throws -> DeviceAuthKey {
        let minted = try services.requireTailscale().createAuthKey(
            tags: request.tags, expirySeconds: request.expirySeconds, description: request.description,
            reusable: false, ephemeral: false, preauthorized: true)
        let expires = minted.expires ?? Timestamp.iso8601(Timestamp.now() + Double(request.expirySeconds))
        return DeviceAuthKey(key: minted.key, minted: MintedKey(id: minted.id, created: minted.created, expires: expires,
                                                                 tags: request.tags))
    }

    /// A stored secret in clear text: `enc:v2:` and `enc:v1:` values opened, plain values
    /// (written by the portal before encryption existed) returned as they are. A value that
    /// cannot be opened (another key, corrupted, or moved from another row) is logged without
    /// its content and counts as absent.
    public func reveal(_ stored: StoredSecret?) -> String? {
        guard let stored, !stored.text.isEmpty else { return nil }
        do {
            return try services.settings.secretsKey.open(stored.text, at: stored.location)
        } catch {
            services.logger.error("stored Tailscale auth key cannot be decrypted; check SECRETS_ENCRYPTION_KEY",
                                  [("reason", .string(String(describing: error)))])
            return nil
        }
    }

    /// Seals a key for storing it at `location` (e.g. `devices.tailscale_auth_key` of one device).
    public func seal(_ key: String, for location: SecretBox.Location) -> String {
        services.settings.secretsKey.seal(key, for: location)
    }
}
