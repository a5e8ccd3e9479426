import VaultCrypto
import JSON

/// `list_devices`: the devices the caller may see, newest first, a bounded page at a time.
/// A plain user sees their own; an admin sees their organization (a `global_admin` or a
/// `service_role` key may name another with `organization_id`); a `service_role` key without
/// one sees every device.
enum DeviceListingAction: EnrollmentAction {
    static let name = "list_devices"
    static let defaultLimit = 50
    static let maximumLimit = 200
    static let invalidLimit = APIError.badRequest("Invalid limit: must be an integer from 1 to \(maximumLimit)")
    static let invalidCursor = APIError.badRequest("Invalid cursor")
    static let invalidOrganization = APIError.badRequest("Invalid organization_id")

    static func run(_ call: ActionCall, fields: EnrollmentFields) throws -> JSONValue {
        let limit = try self.limit(call)
        let cursor = try OptionalField.text(call.body, "cursor", orThrow: Self.invalidCursor, isValid: UUIDText.isValid)
        let scope = try self.scope(call)
        let page = try DeviceStore.page(scope, after: cursor?.lowercased(), limit: limit, in: call.database)
        return [
            "success": true, "scope": .string(scope.name), "organization_id": .optional(try organization(of: scope, call)),
            "devices": .array(page.devices), "next_cursor": .optional(page.nextCursor),
        ]
    }

    /// The organization whose live updates go with this listing (the monitor page subscribes to
    /// it): the listed one, or a plain user's own; none for every device.
    private static func organization(of scope: DeviceListingScope, _ call: ActionCall) throws -> String? {
        switch scope {
        case .organization(let id): id
        case .user: try call.caller.loadOrganizationID()
        case .everything: nil
        }
    }

    private static func limit(_ call: ActionCall) throws(APIError) -> Int {
        switch call.body["limit"] {
        case nil, .null?: return Self.defaultLimit
        case let value? where value.intValue.map({ (1...Self.maximumLimit).contains($0) }) == true: return value.intValue!
        default: throw Self.invalidLimit
        }
    }

    private static func scope(_ call: ActionCall) throws -> DeviceListingScope {
        let caller = call.caller
        let requested = try OptionalField.text(call.body, "organization_id", orThrow: Self.invalidOrganization,
                                               isValid: UUIDText.isValid)?.lowercased()
        if let requested {
            guard try caller.isAdmin(of: requested) else { throw APIError.forbidden }
            return .organization(requested)
        }
        if caller.isServiceRole { return .everything }
        if try caller.isAnyAdmin, let own = try caller.loadOrganizationID() { return .organization(own) }
        guard let userID = caller.userID else { throw APIError.forbidden }
        return .user(userID)
    }
}
