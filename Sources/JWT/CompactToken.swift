import VaultCrypto
import JSON

/// A JWS in compact serialization, split and decoded but not yet trusted.
struct CompactToken {
    /// Real Supabase tokens are well under 2 KiB; the cap bounds the work a hostile header can cause.
    static let maximumLength = 8 * 1024

    let algorithm: JWTAlgorithm
    let keyID: String?
    let payload: JSONObject
    /// The bytes the signature covers: `base64url(header) "." base64url(payload)`.
    let signingInput: [UInt8]
    let signature: [UInt8]

    init(_ token: String) throws(JWTError) {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maximumLength else { throw .malformed }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed }

        let header = try Self.decodeObject(parts[0])
        guard let algorithmName = header["alg"]?.stringValue,
              let algorithm = JWTAlgorithm(rawValue: algorithmName)
        else { throw .unsupportedAlgorithm }
        // RFC 7515 4.1.11: extensions marked critical that we do not implement must be refused.
        guard header["crit"] == nil else { throw .unsupportedAlgorithm }
        let keyID = header["kid"]?.stringValue
        guard header["kid"] == nil || keyID != nil else { throw .malformed }
        guard let signature = Base64.urlDecode(parts[2]) else { throw .malformed }

        self.algorithm = algorithm
        self.keyID = keyID
        self.payload = try Self.decodeObject(parts[1])
        self.signingInput = Array(bytes[..<parts[1].endIndex])
        self.signature = signature
    }

    private static func decodeObject(_ part: ArraySlice<UInt8>) throws(JWTError) -> JSONObject {
        guard let json = Base64.urlDecode(part),
              let object = (try? JSONParser.parse(json))?.objectValue
        else { throw .malformed }
        return object
    }
}
