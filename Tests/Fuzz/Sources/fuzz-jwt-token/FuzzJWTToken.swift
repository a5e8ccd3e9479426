import VaultCrypto
import JSON
@testable import JWT

private let secret = Array("fuzzing-secret-fuzzing-secret-0123456789".utf8)
private let signer = HMACSHA256(key: secret)
private let now: Int64 = 1_700_000_000

/// Any text as a bearer token: the compact-token reader refuses it with a `JWTError` or splits
/// it; an HS256 token's header and payload are then re-signed with the verifier's secret, so that
/// the claim checks behind the signature are reached too. A correctly signed token must never be
/// refused for its signature.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWTToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let token = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let compact = try? CompactToken(token) else { return 0 }
    _ = ECDSASignature.derFromRawP256(compact.signature)
    guard compact.algorithm == .hs256 else { return 0 }

    let signed = String(decoding: compact.signingInput, as: UTF8.self) + "."
        + Base64.urlEncode(signer.authenticate(compact.signingInput))
    // A verifier per input: its cache of verified tokens must not carry one input into the next.
    guard let verifier = try? JWTVerifier(hmacSecret: secret, jwks: nil, issuer: "https://fuzz.example/auth/v1",
                                          now: { now }) else { fatalError("verifier without JWKS failed") }
    do {
        let claims = try verifier.verify(signed)
        guard try verifier.verify(signed) == claims else { fatalError("the cached verification differs") }
    } catch .badSignature {
        fatalError("a token signed with the secret was refused for its signature")
    } catch {
    }
    return 0
}
