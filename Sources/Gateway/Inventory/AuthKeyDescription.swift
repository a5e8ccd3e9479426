import OperatingSystem

/// The description Tailscale shows next to a minted key, so that an operator looking at the
/// admin console knows whom it was for. Tailscale accepts at most 50 characters of letters,
/// digits, spaces and hyphens.
public enum AuthKeyDescription {
    public static let maximumLength = 50
    static let separator = " - "

    /// "<user> - <organization>", each part cleaned and shortened so that both fit.
    public static func make(user: String, organization: String) -> String {
        let user = cleaned(user), organization = cleaned(organization)
        guard !organization.isEmpty else { return shortened(user, to: maximumLength) }
        guard !user.isEmpty else { return shortened(organization, to: maximumLength) }
        let room = maximumLength - separator.count
        // The user gets at most half the room unless the organization needs less.
        let userLength = min(user.count, max(room / 2, room - organization.count))
        let userPart = shortened(user, to: userLength)
        return userPart + separator + shortened(organization, to: room - userPart.count)
    }

    /// Only ASCII letters, digits, spaces and hyphens; anything else becomes a space, and runs
    /// of spaces collapse to one.
    static func cleaned(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
            if allowed {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty, result.last != " " {
                result.append(" ")
            }
        }
        return result.trimmed(.blanks)
    }

    private static func shortened(_ text: String, to length: Int) -> String {
        text.prefix(max(0, length)).trimmed(.blanks)
    }
}
