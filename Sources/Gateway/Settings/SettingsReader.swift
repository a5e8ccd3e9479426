import CurlHTTP
import VaultCrypto
import Glibc
import OperatingSystem

/// Reads typed values by name, collecting every problem (so that one run of `config check`
/// lists all of them) and a masked summary of what it read.
struct SettingsReader {
    let values: [String: String]
    private(set) var problems: [String] = []
    private(set) var summary: [(name: String, value: String)] = []

    init(values: [String: String]) { self.values = values }

    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    // Only used to fill the struct when the key is invalid; `load` throws before it is returned.
    static let placeholderBox: SecretBox = try! SecretBox(key: [UInt8](repeating: 0, count: 32))

    mutating func problem(_ text: String) { problems.append(text) }

    /// What every value to be filled in holds in `deploy/nexus-vault.env.example`.
    static let placeholderMarker = "replace-with-"

    private mutating func raw(_ name: String, secret: Bool) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        summary.append((name, secret ? Self.mask(value) : value))
        // An operator who copies the example and forgets a value must not run with it: the
        // example's JWT secret would let anyone who read the example sign service_role tokens.
        if Self.isPlaceholder(value) { problem("\(name) still holds the example file's placeholder: fill in the real value") }
        return value
    }

    static func isPlaceholder(_ value: String) -> Bool { value.lowercased().range(of: placeholderMarker) != nil }

    private static func mask(_ value: String) -> String { "******** (\(value.count) characters)" }

    mutating func optional(_ name: String, secret: Bool = false) -> String? { raw(name, secret: secret) }

    mutating func required(_ name: String, secret: Bool = false) -> String? {
        guard let value = raw(name, secret: secret) else {
            problem("\(name) is required")
            return nil
        }
        return value
    }

    mutating func string(_ name: String, default fallback: String) -> String {
        if let value = raw(name, secret: false) { return value }
        summary.append((name, fallback + " (default)"))
        return fallback
    }

    mutating func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = raw(name, secret: false) else {
            summary.append((name, "\(fallback) (default)"))
            return fallback
        }
        guard let value = Int(text), range.contains(value) else {
            problem("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text.debugDescription)")
            return fallback
        }
        return value
    }

    mutating func bool(_ name: String, default fallback: Bool) -> Bool {
        guard let text = raw(name, secret: false) else {
            summary.append((name, "\(fallback) (default)"))
            return fallback
        }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problem("\(name) must be true or false, not \(text.debugDescription)")
            return fallback
        }
    }

    mutating func octal(_ name: String, default fallback: UInt32) -> UInt32 {
        guard let text = raw(name, secret: false) else { return fallback }
        guard let value = UInt32(text, radix: 8), value <= 0o777 else {
            problem("\(name) must be an octal file mode such as 0660, not \(text.debugDescription)")
            return fallback
        }
        return value
    }

    /// One of an enumeration's raw values.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, default fallback: T) -> T where T.RawValue == String {
        let value = string(name, default: fallback.rawValue)
        guard let chosen = T(rawValue: value) else {
            problem("\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(value.debugDescription)")
            return fallback
        }
        return chosen
    }

    mutating func url(_ name: String, default fallback: String) -> String {
        url(name, string(name, default: fallback))
    }

    /// An http(s) URL without a trailing slash.
    mutating func url(_ name: String, _ value: String) -> String {
        if !(value.hasPrefix("http://") || value.hasPrefix("https://")) { problem("\(name) must be an http:// or https:// URL") }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    mutating func listen(_ name: String, default fallback: String) -> String {
        let value = string(name, default: fallback)
        if value == "systemd" || value.hasPrefix("unix:/") { return value }
        let parts = value.split(separator: ":")
        if parts.count == 2, let port = UInt16(parts[1]), port > 0, !parts[0].isEmpty { return value }
        problem("\(name) must be unix:/absolute/path, HOST:PORT or systemd, not \(value.debugDescription)")
        return value
    }

    /// A PEM bundle of certificate authorities, parsed; nil when unset (or refused, reported).
    mutating func trustedAuthorities(_ name: String) -> TrustedAuthorities? {
        guard let file = optional(name) else { return nil }
        guard let authorities = TrustedAuthorities(bundleFile: file) else {
            problem("\(name): no certificate could be read from \(file)")
            return nil
        }
        return authorities
    }

    mutating func secretBox(_ name: String) -> SecretBox? {
        // A placeholder is reported as one already; its format says nothing more.
        guard let text = required(name, secret: true), !Self.isPlaceholder(text) else { return nil }
        let key: [UInt8], box: SecretBox
        do {
            key = try SecretBox.decodedKey(text)
            box = try SecretBox(key: key)
        } catch {
            problem("\(name) must be a 32-byte key, base64 or 64 hex characters (make one with: openssl rand -base64 32)")
            return nil
        }
        if let weakness = SecretStrength.weakness(of: key, minimumDistinctValues: 16) {
            problem("\(name) \(weakness): use 32 random bytes (make one with: openssl rand -base64 32)")
            return nil
        }
        return box
    }

    /// A comma-separated list of Supabase publishable keys. A secret key here would be accepted
    /// from browsers as if it were public, so one is refused.
    mutating func publishableKeys(_ name: String) -> [String] {
        guard let text = optional(name, secret: true) else { return [] }
        let keys = text.split(separator: ",").map { $0.trimmed(.blanks) }.filter { !$0.isEmpty }
        for key in keys where !key.hasPrefix("sb_publishable_") {
            problem(key.hasPrefix("sb_secret_")
                ? "\(name) must not hold a secret key (sb_secret_...): it would be accepted from any browser"
                : "\(name) holds keys that start with sb_publishable_, separated by commas")
        }
        return keys
    }
}
