import JWT

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
public struct Principal: Sendable {
    public let tokenRole: JWTRole
    /// The token's `sub`: a UUID for user tokens; API keys usually have none.
    public let userID: String?
    public let profile: Profile?

    public var isServiceRole: Bool { tokenRole == .serviceRole }
    public var isUser: Bool { tokenRole == .authenticated }
    public var isGlobalAdmin: Bool { profile?.role == .globalAdmin }
    public var organizationID: String? { profile?.organizationID }

    /// "Admin of org X": `org_admin` of X, or `global_admin`, or a `service_role` key.
    public func isAdmin(of organizationID: String?) -> Bool {
        if isServiceRole || isGlobalAdmin { return true }
        guard let organizationID, let profile, profile.role == .orgAdmin else { return false }
        return profile.organizationID == organizationID
    }

    /// Admin of at least their own organization (or of all).
    public var isAnyAdmin: Bool { isServiceRole || isGlobalAdmin || profile?.role == .orgAdmin }
}
