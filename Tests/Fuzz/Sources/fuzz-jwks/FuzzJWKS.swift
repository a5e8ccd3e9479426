@testable import JWT

/// Any bytes as a JWKS document: refused with `JWKSError.malformed`, or a set of usable keys
/// that each answer lookups and verify (arbitrary) signatures without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWKS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let document = Array(UnsafeBufferPointer(start: data, count: size))
    guard let set = try? JSONWebKeySet(document: document) else { return 0 }
    _ = set.key(for: nil)
    for entry in set.entries {
        guard let keyID = entry.keyID else { continue }
        guard let found = set.key(for: keyID), found.keyID == keyID else { fatalError("a key is not found by its kid") }
    }
    let signature = Array(document.suffix(64))
    for entry in set.entries {
        for algorithm in [JWTAlgorithm.rs256, .es256, .hs256] { _ = entry.fits(algorithm) }
        let encoded = entry.key.kind == .ecP256 ? ECDSASignature.derFromRawP256(signature) : signature
        if let encoded { _ = entry.key.verify(signature: encoded, message: document) }
    }
    return 0
}
