import COpenSSL

/// Compares two byte strings without an early exit on the first difference, so that the time
/// taken does not reveal how much of a MAC or token an attacker got right. The lengths are not
/// secret (a MAC's length is public), so a length mismatch answers at once.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { left in
        b.withUnsafeBytes { right in
            CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
        }
    }
}
