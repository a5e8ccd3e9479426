/// UUIDs as text: the 8-4-4-4-12 hex form, in either case (Supabase user ids, the contract's
/// ids). Generated ones come from `SecureRandom.uuidV4()`.
public enum UUIDText {
    public static func isValid(_ text: String) -> Bool {
        var count = 0
        for character in text.utf8 {
            switch count {
            case 8, 13, 18, 23: guard character == UInt8(ascii: "-") else { return false }
            default: guard Hex.nibble(character) != nil else { return false }
            }
            count += 1
            if count > 36 { return false }
        }
        return count == 36
    }
}
