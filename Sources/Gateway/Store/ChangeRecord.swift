import Postgres

/// The history rows that describe one change. Written on the change's own transaction, so
/// that an action never leaves a change without its events, or events without their change.
public struct ChangeRecord: Sendable {
    public var deviceEvents: [DeviceEvent]
    public var auditEntries: [AuditEntry]

    public init(deviceEvents: [DeviceEvent] = [], auditEntries: [AuditEntry] = []) {
        self.deviceEvents = deviceEvents
        self.auditEntries = auditEntries
    }

    public func write(on connection: PostgresConnection) throws {
        for event in deviceEvents { try DeviceEvents.record(event, on: connection) }
        for entry in auditEntries { try AuditLog.record(entry, on: connection) }
    }
}
