import VaultCrypto
import JSON

/// Answers nginx's `nchan_authorize_request` for a subscription to an organization's live
/// device status channel (`/monitor/live/<organization id>`): 200 when the caller may hear it,
/// else the usual 401/403. Reached only through nginx's loopback-only server
/// (`nginx/nexus-vault-monitor-internal.conf`; its path is outside `/functions/v1/`, which is all
/// that the public server forwards); nginx holds the subscriber's connection, the worker
/// answers this once and is free again.
///
/// Who hears an organization: its members (every user with a profile in it, who hear only
/// device ids and statuses), its admins, a `global_admin` and `service_role`.
struct LiveUpdatesAuthorization {
    /// The internal location's path, as nginx passes it in `DOCUMENT_URI`.
    static let path = "/_nexus/live-authorize"
    static let subscriptionPrefix = "/monitor/live/"
    /// Carries the subscriber's own request URI, set by the public server's authorization
    /// subrequest (whatever a client sent under that name is replaced there).
    static let subscriptionHeader = "X-Nexus-Subscription"

    let requestURI: String

    func handle(_ request: APIRequest, services: Services) -> FunctionOutcome {
        FunctionOutcome.collecting { outcome in
            outcome.action = "authorize_live_updates"
            let caller = try services.authenticator.authenticate(request, requirement: .user,
                                                                 missingMessage: DeviceEnrollmentFunction.missingAuthorization,
                                                                 database: services.database)
            outcome.userID = caller.userID
            guard let organizationID = Self.organization(in: requestURI),
                  try caller.isAdmin(of: organizationID) || caller.loadOrganizationID() == organizationID
            else { throw APIError.forbidden }
            return ["success": true, "organization_id": .string(organizationID)]
        }
    }

    /// The organization id of `/monitor/live/<id>` (a query string ignored), or nil.
    static func organization(in requestURI: String) -> String? {
        let path = requestURI.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path.hasPrefix(subscriptionPrefix) else { return nil }
        let id = path.dropFirst(subscriptionPrefix.count).lowercased()
        return UUIDText.isValid(id) ? id : nil
    }
}
