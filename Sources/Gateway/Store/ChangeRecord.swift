import JSON

/// The history rows that describe one change. A store writes them on the change's own
/// transaction (`HistoryStore.write`), so that an action never leaves a change without its
/// events, or events without their change.
public struct ChangeRecord: Sendable {
    public var deviceEvents: [DeviceEvent]
    public var auditEntries: [AuditEntry]

    public init(deviceEvents: [DeviceEvent] = [], auditEntries: [AuditEntry] = []) {
        self.deviceEvents = deviceEvents
        self.auditEntries = auditEntries
    }
}

/// One row of `device_events`: what happened to a device, and from which client address.
/// Details are facts for people reading the history: never a token or an auth key.
public struct DeviceEvent: Sendable {
    public let deviceID: String
    public let type: String
    public let details: JSONObject
    /// The client's address as nginx saw it (`unknown` when there was none).
    public let ipAddress: String

    public init(deviceID: String, type: String, details: JSONObject, ipAddress: String) {
        self.deviceID = deviceID
        self.type = type
        self.details = details
        self.ipAddress = ipAddress
    }
}

/// One row of `audit_logs`: who did what in which organization. Details never hold a token or
/// an auth key.
public struct AuditEntry: Sendable {
    public let organizationID: String?
    /// The acting user; nil for a `service_role` key without a subject.
    public let userID: String?
    public let event: String
    public let details: JSONObject

    public init(organizationID: String?, userID: String?, event: String, details: JSONObject) {
        self.organizationID = organizationID
        self.userID = userID
        self.event = event
        self.details = details
    }
}
