import VaultCrypto
import JSON

/// The usable signing keys of a JWKS document (RFC 7517), imported once per load. Immutable,
/// so a loaded set is shared by every thread (`JWKSCache` swaps whole sets).
struct JSONWebKeySet {
    struct Entry {
        let keyID: String?
        /// The JWK's own `alg`, when it states one.
        let declaredAlgorithm: String?
        let key: PublicKey

        /// Whether a token signed with `algorithm` may be checked with this key: the key type
        /// decides, and a JWK that names its algorithm narrows it further.
        func fits(_ algorithm: JWTAlgorithm) -> Bool {
            key.kind.algorithm == algorithm && (declaredAlgorithm ?? algorithm.rawValue) == algorithm.rawValue
        }
    }

    let entries: [Entry]

    /// Parses `document`. Keys for encryption (`use` other than "sig"), of other types or curves,
    /// or that libcrypto will not import are skipped: a JWKS may legitimately hold keys that are
    /// not ours to use, and one odd key must not disable the others.
    init(document: [UInt8]) throws(JWKSError) {
        guard let keys = (try? JSONParser.parse(document))?["keys"]?.arrayValue else { throw .malformed }
        entries = keys.compactMap { $0.objectValue.flatMap(Self.entry) }
    }

    /// The key a token names with `kid`; a token without `kid` may only use a set of exactly one.
    func key(for keyID: String?) -> Entry? {
        guard let keyID else { return entries.count == 1 ? entries.first : nil }
        return entries.first { $0.keyID == keyID }
    }

    private static func entry(_ jwk: JSONObject) -> Entry? {
        if let use = jwk["use"], use.stringValue != "sig" { return nil }
        guard let key = publicKey(jwk) else { return nil }
        return Entry(keyID: jwk["kid"]?.stringValue, declaredAlgorithm: jwk["alg"]?.stringValue, key: key)
    }

    private static func publicKey(_ jwk: JSONObject) -> PublicKey? {
        func bytes(_ member: String) -> [UInt8]? { jwk[member]?.stringValue.flatMap(Base64.urlDecode) }

        switch jwk["kty"]?.stringValue {
        case "RSA":
            guard let modulus = bytes("n"), let exponent = bytes("e") else { return nil }
            return PublicKey.rsa(modulus: modulus, exponent: exponent)
        case "EC":
            guard jwk["crv"]?.stringValue == "P-256", let x = bytes("x"), let y = bytes("y") else { return nil }
            return PublicKey.p256(x: x, y: y)
        default:
            return nil
        }
    }
}
