import Crypto
import Tailscale

/// Finds the Tailscale auth key a device joins with: the first that exists of a key the caller
/// already has (the request's, or the device's own), the organization's configured key, the
/// `TAILSCALE_AUTH_KEY` setting, and a fresh single-use key minted through the API.
public struct AuthKeyResolver {
    public enum Minting: Sendable {
        case never
        /// A failed mint fails the action (502 through `TailscaleError`).
        case required(tags: [String], expirySeconds: Int)
        /// A failed mint is logged and counts as "no key" (the key was optional anyway).
        case bestEffort(tags: [String], expirySeconds: Int)
    }

    /// Tailscale allows at most 50 characters; no device or user data goes into it.
    static let mintedKeyDescription = "nexus-vault device enrollment"

    let secrets: SecretBox
    let settingKey: String?
    let tailscale: TailscaleClient?
    let logger: Logger

    public init(services: Services) {
        secrets = services.settings.secretsKey
        settingKey = services.settings.tailscale.authKey
        tailscale = services.tailscale
        logger = services.logger
    }

    /// - Parameters:
    ///   - preferred: a key in clear text that wins over every other source.
    ///   - organization: loads the organization's config; only called when `preferred` is nil.
    public func resolve(preferred: String?, organization: () throws -> OrganizationTailscaleConfig?,
                        minting: Minting) throws -> String? {
        if let preferred { return preferred }
        if let stored = try organization()?.storedAuthKey, let key = reveal(stored) { return key }
        if let settingKey { return settingKey }
        return try mint(minting)
    }

    /// A stored secret in clear text: `enc:v2:` and `enc:v1:` values opened, plain values
    /// (written by the portal before encryption existed) returned as they are. A value that
    /// cannot be opened (another key, corrupted, or moved from another row) is logged without
    /// its content and counts as absent.
    public func reveal(_ stored: StoredSecret?) -> String? {
        guard let stored, !stored.text.isEmpty else { return nil }
        do {
            return try secrets.open(stored.text, at: stored.location)
        } catch {
            logger.error("stored Tailscale auth key cannot be decrypted; check SECRETS_ENCRYPTION_KEY",
                         [("reason", .string(String(describing: error)))])
            return nil
        }
    }

    /// Seals a key for storing it at `location` (e.g. `devices.tailscale_auth_key` of one device).
    public func seal(_ key: String, for location: SecretBox.Location) -> String { secrets.seal(key, for: location) }

    private func mint(_ minting: Minting) throws -> String? {
        guard let tailscale else { return nil }
        switch minting {
        case .never:
            return nil
        case .required(let tags, let expirySeconds):
            return try createKey(tags: tags, expirySeconds: expirySeconds, tailscale)
        case .bestEffort(let tags, let expirySeconds):
            do {
                return try createKey(tags: tags, expirySeconds: expirySeconds, tailscale)
            } catch {
                logger.warning("could not mint a Tailscale auth key; continuing without one",
                               [("error", .string(String(describing: error)))])
                return nil
            }
        }
    }

    private func createKey(tags: [String], expirySeconds: Int, _ tailscale: TailscaleClient) throws -> String {
        try tailscale.createAuthKey(tags: tags, expirySeconds: expirySeconds, description: Self.mintedKeyDescription).key
    }
}
