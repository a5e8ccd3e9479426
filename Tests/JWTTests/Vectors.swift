/// Keys and tokens generated once with python3 `cryptography` and `joserfc`; every token
/// expires on 2100-01-01. The private keys were discarded: these public halves can verify but
/// never mint.
enum Vectors {
    /// The `iss` of every user token below.
    static let issuer = "https://demo.supabase.co/auth/v1"
    static let subject = "6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5e"
    /// The legacy HS256 project secret that signed `hs256`.
    static let hmacSecret = Array("super-secret-jwt-token-with-at-least-32-characters-long".utf8)

    /// RSA `rsa-1` (RS256), P-256 `ec-1` (ES256), the same RSA key again as `rsa-ps` declaring
    /// PS256, then an encryption key and an oct key, which must both be ignored.
    static let jwks = #"""
        {"keys": [
            {"n":"6EIb-Np6BI4rKsN3iyt0Ij2SeYrHFHe8xaJiGJMQ3C-Ez5GIav2pRrJEIP9T9ETsaLxNmvlQGE_bqE6FcTr_S-Ox56wa-idUfaJkTNj3oO_9rEuJjhujD9E6Jwt7EdpxczZQEns1oyq4dyAnisZQK5EMwLbXNbuwyt9f7KI7tv72HZ61MYfTgktILv5-NpDaCSw7V_GGD5xMu5FDT2cS4U6FqbtKj7MnKsc0V_dBJ-RHJ_qyH0NNBARMSIKllAreJuf-sgnOLlzMfyPtO0jpaRP7ZePWKkOUKKiyoVpSJHyNyBde2R33qBavTLBn9D2-UjDz_dK91JDRwSZbhh28Gw","e":"AQAB","kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256"},
            {"crv":"P-256","x":"PUugQiwUuKs5SuZyyKytyA4t7YGQx7FG6BCSYSWihOE","y":"GEWon-RRviHvjn9EG58BtKXDs1j3wA_IWUNZMpGPi78","kty":"EC","kid":"ec-1","use":"sig","alg":"ES256"},
            {"n":"6EIb-Np6BI4rKsN3iyt0Ij2SeYrHFHe8xaJiGJMQ3C-Ez5GIav2pRrJEIP9T9ETsaLxNmvlQGE_bqE6FcTr_S-Ox56wa-idUfaJkTNj3oO_9rEuJjhujD9E6Jwt7EdpxczZQEns1oyq4dyAnisZQK5EMwLbXNbuwyt9f7KI7tv72HZ61MYfTgktILv5-NpDaCSw7V_GGD5xMu5FDT2cS4U6FqbtKj7MnKsc0V_dBJ-RHJ_qyH0NNBARMSIKllAreJuf-sgnOLlzMfyPtO0jpaRP7ZePWKkOUKKiyoVpSJHyNyBde2R33qBavTLBn9D2-UjDz_dK91JDRwSZbhh28Gw","e":"AQAB","kty":"RSA","kid":"rsa-ps","use":"sig","alg":"PS256"},
            {"n":"6EIb-Np6BI4rKsN3iyt0Ij2SeYrHFHe8xaJiGJMQ3C-Ez5GIav2pRrJEIP9T9ETsaLxNmvlQGE_bqE6FcTr_S-Ox56wa-idUfaJkTNj3oO_9rEuJjhujD9E6Jwt7EdpxczZQEns1oyq4dyAnisZQK5EMwLbXNbuwyt9f7KI7tv72HZ61MYfTgktILv5-NpDaCSw7V_GGD5xMu5FDT2cS4U6FqbtKj7MnKsc0V_dBJ-RHJ_qyH0NNBARMSIKllAreJuf-sgnOLlzMfyPtO0jpaRP7ZePWKkOUKKiyoVpSJHyNyBde2R33qBavTLBn9D2-UjDz_dK91JDRwSZbhh28Gw","e":"AQAB","kty":"RSA","kid":"rsa-enc","use":"enc"},
            {"kty":"oct","kid":"oct-1","k":"c2VjcmV0"}
        ]}
        """#

    /// Signed with `rsa-1`.
    static let rs256 = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhw",
        "Ijo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3Yx",
        "Iiwic3ViIjoiNmYxYzFkOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5j",
        "b20iLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.Qr5tqczZQvNzXrkDurb7t96I9MtPwpqXU5ChgSXc9DlwTe3LYsp0p5L",
        "o4ydE6AiJn7X09yDguO-tJEwblbnbFppFSsvArQwGSRZCgSUZnQ0fFuKSOU2atBZ8OYIL3UpX3XTbc-Lggx0BR5zJG0T",
        "KpoOEB1ohDulWlCYRwXaYHcD2n-P6FC-Lw-asMDR8b7A0S_f5kb3PTXJpNXevmmyz7_nk__IZgkf6QN4Wb_L-Rjq-WDR",
        "4vLCnps7UPZdx1_LMqmH9DttuzSd4wDZwmVKDKKRh7YioTUcX055tkDXUCf7R4IVkerv-30QIMgyN0vp1SyV1MQMmDvo",
        "Rq3gA-1AY4A",
    ].joined()

    /// Signed with `ec-1`.
    static let es256 = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6ImVjLTEifQ.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwI",
        "jo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3YxI",
        "iwic3ViIjoiNmYxYzFkOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb",
        "20iLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.UQjv_1WMqZEp_hruJVpN7uXJEPfgB806j3svRdMPMlUmvzL0iHbkcqXO",
        "KJLNGgEqMGiwnBY6WZSPC4yNEGdHSw",
    ].joined()

    /// Signed with `ec-1`, with no `kid` in the header.
    static let es256WithoutKeyID = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwLCJ",
        "pYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3YxIiwic3ViIjoiNmYxYzF",
        "kOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb20iLCJyb2xlIjoiYXV",
        "0aGVudGljYXRlZCJ9.5LLC72FVwb0NOWcIA7pmrkzhYdaJTgHdQoaskIXPl-iNQj1GCg1imGudpy5kAJquHLEtdRiQb5",
        "5uCdKt6IvApQ",
    ].joined()

    /// RS256, signed with the RSA key, but naming the EC key `ec-1`.
    static let rs256WithECKeyID = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImVjLTEifQ.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwI",
        "jo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3YxI",
        "iwic3ViIjoiNmYxYzFkOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb",
        "20iLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.L3cxsuP8e2dLLygZzghjeASbbSuqyWA0NAko_EhFpNKyMUa6QjD_oBfF",
        "Hkmf22lTMuEDIxh9AuGUCpNBjA9uADlknlC0skT9uNdkZUJ96JgWtYnBjDj42aHrDpZW1j-0w55c2sBF5qHCyt2oEH2l",
        "9hjP9xEwTTIB1ZZk0z4Q6RivZOVT4wwAPvqelAO2mZAxhiITZuUEID1LoxTArrWTALuT1wQhOT3SJg8DGDwKJg8l-Au3",
        "w9pSp0lkINlHbOSe25sgJCrSxBNJs71JkbN9NuGIHqDUczxOffeVS1jvggGKTP4Z1emI4QusAU6Pj84SsL_m-4MjsWdn",
        "mQ33Kz1WqA",
    ].joined()

    /// RS256, signed with the RSA key, naming `rsa-ps` whose JWK declares PS256.
    static let rs256WithPS256Key = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6InJzYS1wcyJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXh",
        "wIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3Y",
        "xIiwic3ViIjoiNmYxYzFkOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5",
        "jb20iLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.ZHSZZnEJ7PQJmhA0OAJ-nJhZb-04_IO-oCSlGRD9Sft0KhGFQJa0iP",
        "lk48fbdnctzQhPR27NwghlsaGYM-wY5ukbUOrGU4u_eRP3ETRmsyUKcJ6mAA-lo6pKjFKNMAyup8M-Gb8L3HJjbu4knD",
        "1GqdBL8wds9rS3zxah0qb4Hfl5QiHgg3KHWYysW-fOEAeBRkNQhQiEGDlejtSEil6cu2o0a9g2ZQDnO0pP7_uTRiuQoM",
        "fEo7EM75VeCI4FBsZUX1pamEo49qOtyP7wFYN5xJuyjgCCfFklw8xRrTRK3dNJqVsFLQXaaCuisXd2a9jENr2li6c3o_",
        "dPw9UgdImmUg",
    ].joined()

    /// HS256 with `hmacSecret`, signed by joserfc.
    static let hs256 = [
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwLCJ",
        "pYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vZGVtby5zdXBhYmFzZS5jby9hdXRoL3YxIiwic3ViIjoiNmYxYzF",
        "kOWUtM2IwYS00YzU1LTlkOGUtMmY0YThiN2M2ZDVlIiwiZW1haWwiOiJhZGFAZXhhbXBsZS5jb20iLCJyb2xlIjoiYXV",
        "0aGVudGljYXRlZCJ9.IPub8DnLL2skvfzWCKqJE8QlGRPIrpA0s5odrrjgEZc",
    ].joined()

    /// The public half of `rsa-1` as SubjectPublicKeyInfo PEM: what an attacker would use as an HMAC secret.
    static let rsaPublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6EIb+Np6BI4rKsN3iyt0
        Ij2SeYrHFHe8xaJiGJMQ3C+Ez5GIav2pRrJEIP9T9ETsaLxNmvlQGE/bqE6FcTr/
        S+Ox56wa+idUfaJkTNj3oO/9rEuJjhujD9E6Jwt7EdpxczZQEns1oyq4dyAnisZQ
        K5EMwLbXNbuwyt9f7KI7tv72HZ61MYfTgktILv5+NpDaCSw7V/GGD5xMu5FDT2cS
        4U6FqbtKj7MnKsc0V/dBJ+RHJ/qyH0NNBARMSIKllAreJuf+sgnOLlzMfyPtO0jp
        aRP7ZePWKkOUKKiyoVpSJHyNyBde2R33qBavTLBn9D2+UjDz/dK91JDRwSZbhh28
        GwIDAQAB
        -----END PUBLIC KEY-----
        """

    /// The same key as PKCS#1 PEM.
    static let rsaPublicKeyPKCS1PEM = """
        -----BEGIN RSA PUBLIC KEY-----
        MIIBCgKCAQEA6EIb+Np6BI4rKsN3iyt0Ij2SeYrHFHe8xaJiGJMQ3C+Ez5GIav2p
        RrJEIP9T9ETsaLxNmvlQGE/bqE6FcTr/S+Ox56wa+idUfaJkTNj3oO/9rEuJjhuj
        D9E6Jwt7EdpxczZQEns1oyq4dyAnisZQK5EMwLbXNbuwyt9f7KI7tv72HZ61MYfT
        gktILv5+NpDaCSw7V/GGD5xMu5FDT2cS4U6FqbtKj7MnKsc0V/dBJ+RHJ/qyH0NN
        BARMSIKllAreJuf+sgnOLlzMfyPtO0jpaRP7ZePWKkOUKKiyoVpSJHyNyBde2R33
        qBavTLBn9D2+UjDz/dK91JDRwSZbhh28GwIDAQAB
        -----END RSA PUBLIC KEY-----
        """

    /// The same key as base64 of SubjectPublicKeyInfo DER.
    static let rsaPublicKeyDER = [
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6EIb+Np6BI4rKsN3iyt0Ij2SeYrHFHe8xaJiGJMQ3C+Ez5GI",
        "av2pRrJEIP9T9ETsaLxNmvlQGE/bqE6FcTr/S+Ox56wa+idUfaJkTNj3oO/9rEuJjhujD9E6Jwt7EdpxczZQEns1oyq4",
        "dyAnisZQK5EMwLbXNbuwyt9f7KI7tv72HZ61MYfTgktILv5+NpDaCSw7V/GGD5xMu5FDT2cS4U6FqbtKj7MnKsc0V/dB",
        "J+RHJ/qyH0NNBARMSIKllAreJuf+sgnOLlzMfyPtO0jpaRP7ZePWKkOUKKiyoVpSJHyNyBde2R33qBavTLBn9D2+UjDz",
        "/dK91JDRwSZbhh28GwIDAQAB",
    ].joined()

}
