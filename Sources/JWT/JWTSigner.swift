import VaultCrypto
import JSON

/// Mints HS256 tokens: for tests, local tooling and service-to-service calls with the shared secret.
public enum JWTSigner {
    public static func signHS256(claims: JSONObject, secret: [UInt8], keyID: String? = nil) -> String {
        var header = JSONObject([("alg", "HS256"), ("typ", "JWT")])
        header["kid"] = keyID.map(JSONValue.string)
        let signingInput = encodedPart(header) + "." + encodedPart(claims)
        let signature = Digest.hmacSHA256(key: secret, data: Array(signingInput.utf8))
        return signingInput + "." + Base64.urlEncode(signature)
    }

    private static func encodedPart(_ object: JSONObject) -> String {
        Base64.urlEncode(JSONValue.object(object).serializedBytes())
    }
}
