import XCTest
@testable import VaultCrypto

final class HMACSHA256Tests: XCTestCase {
    /// RFC 4231 section 4, test cases 1 to 4, 6 and 7 (5 is a truncated MAC, which we never use).
    private static let rfc4231: [(key: [UInt8], data: [UInt8], mac: String)] = [
        ([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xCD, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xAA, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    func testKeyedInstanceMatchesRFC4231() {
        for (number, testCase) in Self.rfc4231.enumerated() {
            XCTAssertEqual(Hex.encode(HMACSHA256(key: testCase.key).authenticate(testCase.data)), testCase.mac,
                           "vector \(number)")
        }
    }

    func testOneShotMatchesRFC4231() {
        for (number, testCase) in Self.rfc4231.enumerated() {
            XCTAssertEqual(Hex.encode(Digest.hmacSHA256(key: testCase.key, data: testCase.data)), testCase.mac,
                           "vector \(number)")
        }
    }

    /// Each call must start again from the keyed state, not continue the previous message.
    func testOneInstanceGivesTheSameMACOnEveryCall() {
        let testCase = Self.rfc4231[1]
        let hmac = HMACSHA256(key: testCase.key)
        let other = Array("a different message".utf8)
        let otherMAC = hmac.authenticate(other)
        for _ in 0..<5 {
            XCTAssertEqual(Hex.encode(hmac.authenticate(testCase.data)), testCase.mac)
            XCTAssertEqual(hmac.authenticate(other), otherMAC)
        }
        XCTAssertNotEqual(Hex.encode(otherMAC), testCase.mac)
    }

    /// Instances with different keys live side by side without sharing state.
    func testInstancesWithDifferentKeysAreIndependent() {
        let instances = Self.rfc4231.map { HMACSHA256(key: $0.key) }
        for _ in 0..<2 {
            for (hmac, testCase) in zip(instances, Self.rfc4231) {
                XCTAssertEqual(Hex.encode(hmac.authenticate(testCase.data)), testCase.mac)
            }
        }
        let message = Array("same message".utf8)
        XCTAssertNotEqual(instances[0].authenticate(message), instances[1].authenticate(message))
    }

    func testEmptyKeyAndData() {
        let expected = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        XCTAssertEqual(Hex.encode(Digest.hmacSHA256(key: [], data: [])), expected)
        let hmac = HMACSHA256(key: [])
        XCTAssertEqual(Hex.encode(hmac.authenticate([])), expected)
        XCTAssertEqual(Hex.encode(hmac.authenticate([])), expected)
    }
}
