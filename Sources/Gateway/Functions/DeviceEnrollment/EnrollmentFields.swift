import JSON

/// The device types the portal knows.
public enum DeviceType: String, CaseIterable, Sendable {
    case laptop, desktop, mobile, tablet, windows, macos
}

/// The device fields of every device-enrollment action, validated before anything else runs.
/// Absent, `null` and `""` all mean "not given" (the action's default applies); anything else
/// must be a string that passes, or the answer is the field's 400.
public struct EnrollmentFields: Equatable, Sendable {
    public let deviceName: String?
    public let deviceType: DeviceType?
    public let os: String?
    public let fingerprint: String?

    public init(_ body: JSONObject) throws(APIError) {
        deviceName = try OptionalField.text(body, "device_name", orThrow: EnrollmentError.invalidDeviceName) {
            FieldRule.isPrintable($0, maxLength: 100)
        }
        deviceType = try OptionalField.text(body, "device_type", orThrow: EnrollmentError.invalidDeviceType) {
            DeviceType(rawValue: $0) != nil
        }.flatMap(DeviceType.init(rawValue:))
        os = try OptionalField.text(body, "os", orThrow: EnrollmentError.invalidOS) {
            FieldRule.isPrintable($0, maxLength: 50)
        }
        fingerprint = try OptionalField.text(body, "fingerprint", orThrow: EnrollmentError.invalidFingerprint) {
            FieldRule.isFingerprint($0)
        }
    }
}

/// Reads one optional string field of a request body.
enum OptionalField {
    /// nil when absent, `null` or `""`; the string when it passes `isValid`; else `error`
    /// (a number, array, object or boolean is as wrong as a string that fails).
    static func text(_ body: JSONObject, _ name: String, orThrow error: APIError,
                     isValid: (String) -> Bool = { _ in true }) throws(APIError) -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let text)? where text.isEmpty: return nil
        case .string(let text)? where isValid(text): return text
        default: throw error
        }
    }
}

/// The shapes the contract allows for device fields.
enum FieldRule {
    /// 1...maxLength Unicode scalars (a long run of combining marks cannot hide behind one
    /// visible character) and no control characters (C0, DEL, C1: NUL would also end the
    /// value early in libpq, newlines would forge lines in the portal's views).
    static func isPrintable(_ text: String, maxLength: Int) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > maxLength || scalar.properties.generalCategory == .control { return false }
        }
        return count > 0
    }

    /// `[a-zA-Z0-9-]{1,100}`.
    static func isFingerprint(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...100).contains(bytes.count) && bytes.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    /// What a Tailscale auth key can look like: 1-200 printable ASCII characters, no spaces.
    static func isAuthKey(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...200).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
