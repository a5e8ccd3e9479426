import OperatingSystem

/// Tailscale ACL tags: `tag:` and a name of letters, digits and dashes.
public enum TailscaleTag {
    /// `tag:a, tag:b` as a list, blanks around the commas ignored.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmed(.blanks) }
    }

    public static func isValid(_ tag: String) -> Bool {
        guard tag.hasPrefix("tag:"), tag.count > 4, tag.count <= 100 else { return false }
        return tag.dropFirst(4).unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
        }
    }
}
