import JSON
import Tailscale

/// Device objects as the portal reads them: what the API returned, plus the two fields the
/// real API does not have and the portal was written against.
public enum CompatibleDevice {
    /// The API's object with `ipAddresses` (= `addresses`) and `online` added.
    public static func full(_ device: TailscaleDevice, online: Bool) -> JSONValue {
        var object = device.raw
        object["ipAddresses"] = addresses(device)
        object["online"] = .bool(online)
        return .object(object)
    }

    /// The short form of `check-device`.
    public static func summary(_ device: TailscaleDevice) -> JSONValue {
        .object(JSONObject([
            ("id", .string(device.id)), ("name", .optional(device.name)), ("hostname", .string(device.hostname)),
            ("os", .optional(device.os)), ("lastSeen", .optional(device.lastSeen)),
            ("ipAddresses", addresses(device)), ("tags", .array(device.tags.map(JSONValue.string))),
        ]))
    }

    /// What an anonymous caller learns: no owner, OS, tags or keys.
    public static func publicSummary(_ device: TailscaleDevice) -> JSONValue {
        .object(JSONObject([
            ("hostname", .string(device.hostname)), ("lastSeen", .optional(device.lastSeen)), ("ipAddresses", addresses(device)),
        ]))
    }

    static func addresses(_ device: TailscaleDevice) -> JSONValue {
        .array(device.addresses.map(JSONValue.string))
    }
}
