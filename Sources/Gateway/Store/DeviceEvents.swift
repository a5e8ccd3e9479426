import JSON
import Postgres

/// One row of `device_events`: what happened to a device, and from which client address.
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

/// Writes `device_events`. Call it on the connection of the transaction that made the change,
/// so that the change and its event commit (or roll back) together. Details are facts for
/// people reading the history: never a token or an auth key.
public enum DeviceEvents {
    static let insert = """
        INSERT INTO device_events (device_id, event_type, details, ip_address)
        VALUES ($1::uuid, $2, $3::jsonb, $4)
        """

    public static func record(_ event: DeviceEvent, on connection: PostgresConnection) throws {
        try connection.query(insert, [event.deviceID, event.type, JSONValue.object(event.details).serialized(), event.ipAddress])
    }
}
