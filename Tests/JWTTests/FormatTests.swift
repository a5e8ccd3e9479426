import VaultCrypto
import JSON
import XCTest
@testable import JWT

/// Tokens that are not well-formed JWS compact serializations.
final class FormatTests: XCTestCase {
    func testRefusesWrongPartCounts() throws {
        let verifier = try makeVerifier()
        let parts = Vectors.hs256.split(separator: ".").map(String.init)
        for token in ["", ".", "..", "...", parts[0], parts[0] + "." + parts[1], Vectors.hs256 + ".",
                      Vectors.hs256 + "." + parts[2]] {
            assertRejected(token, by: verifier, with: .malformed)
        }
    }

    func testRefusesMalformedBase64() throws {
        let verifier = try makeVerifier()
        let parts = Vectors.hs256.split(separator: ".").map(String.init)
        let broken = [
            ["!" + parts[0], parts[1], parts[2]],
            [parts[0], parts[1] + "*", parts[2]],
            [parts[0], parts[1], parts[2].replacingOccurrences(of: "-", with: "+")
                .replacingOccurrences(of: "_", with: "/") + "+"],
            [parts[0], " " + parts[1], parts[2]],
        ]
        for token in broken { assertRejected(token.joined(separator: "."), by: verifier, with: .malformed) }
    }

    func testRefusesMalformedJSON() throws {
        let verifier = try makeVerifier()
        let payload = JSONValue.object(userClaims()).serialized()
        for (header, body) in [(#"{"alg":"HS256""#, payload), ("[\"HS256\"]", payload), (#"{"alg":"HS256"}"#, "{\"sub\":"),
                               (#"{"alg":"HS256"}"#, "[1,2]"), (#"{"alg":"HS256"}"#, "\"text\""),
                               (#"{"alg":"HS256","kid":7}"#, payload)] {
            let token = compactToken(header: header, payload: body, signature: [1, 2, 3])
            assertRejected(token, by: verifier, with: .malformed)
        }
    }

    func testRefusesOversizedTokens() throws {
        let padding = String(repeating: "x", count: 8 * 1024)
        assertRejected(hs256(userClaims(["padding": .string(padding)])), by: try makeVerifier(), with: .malformed)
    }
}
