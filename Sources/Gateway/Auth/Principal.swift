import JWT
import Postgres

/// A role inside an organization, from `profiles.role`.
public enum UserRole: String, Sendable {
    case globalAdmin = "global_admin", orgAdmin = "org_admin", support, user
}

/// The caller's `profiles` row (absent when the user has none yet).
public struct Profile: Sendable, Equatable {
    public let userID: String
    public let organizationID: String?
    public let role: UserRole
}

/// Who is calling: the verified token and, for user tokens, the profile.
///
/// The profile is read from the database on first use and then kept for the request: an
/// action that only needs the caller's id (the owner of a device polling it) costs no query
/// for it, which is a round trip saved on the hottest paths.
public struct Principal {
    public let tokenRole: JWTRole
    /// The token's `sub`: a UUID for user tokens; API keys usually have none.
    public let userID: String?
    /// A Supabase anonymous sign-in (`is_anonymous: true`): role `authenticated`, but nobody
    /// the organization knows.
    public let isAnonymousSignIn: Bool
    private let profileLoader: ProfileLoader?

    init(tokenRole: JWTRole, userID: String?, isAnonymousSignIn: Bool = false, profileLoader: ProfileLoader?) {
        self.tokenRole = tokenRole
        self.userID = userID
        self.isAnonymousSignIn = isAnonymousSignIn
        self.profileLoader = profileLoader
    }

    public var isServiceRole: Bool { tokenRole == .serviceRole }

    /// The caller's profile, read from the database on first use; nil for API keys and for
    /// users without one.
    public func loadProfile() throws -> Profile? { try profileLoader?.load() }
    /// The caller's organization (loads the profile).
    public func loadOrganizationID() throws -> String? { try loadProfile()?.organizationID }
    public var isGlobalAdmin: Bool { get throws { try loadProfile()?.role == .globalAdmin } }

    /// "Admin of org X": `org_admin` of X, or `global_admin`, or a `service_role` key.
    public func isAdmin(of organizationID: String?) throws -> Bool {
        if isServiceRole { return true }
        guard let profile = try loadProfile() else { return false }
        if profile.role == .globalAdmin { return true }
        guard let organizationID, profile.role == .orgAdmin else { return false }
        return profile.organizationID == organizationID
    }

    /// The contract's "Who may obtain a tailnet key": a `service_role` key, or a signed-in user
    /// (not an anonymous sign-in) whose profile is in an organization. Everyone else gets 403
    /// before any device is written or Tailscale is called: an auth key lets a machine join
    /// the tailnet pre-authorized.
    public func requireKeyHolder() throws {
        if isServiceRole { return }
        guard !isAnonymousSignIn, try loadProfile()?.organizationID != nil else { throw APIError.forbidden }
    }

    /// Admin of at least their own organization (or of all).
    public var isAnyAdmin: Bool {
        get throws {
            if isServiceRole { return true }
            let role = try loadProfile()?.role
            return role == .globalAdmin || role == .orgAdmin
        }
    }
}

/// Reads one user's profile once, on demand.
final class ProfileLoader {
    private let userID: String
    private let database: Database
    private var loaded: Profile??

    init(userID: String, database: Database) {
        self.userID = userID
        self.database = database
    }

    func load() throws -> Profile? {
        if let loaded { return loaded }
        let profile = try ProfileStore.load(userID: userID, in: database)
        loaded = .some(profile)
        return profile
    }
}
