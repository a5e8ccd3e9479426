import XCTest
@testable import Crypto

final class DigestTests: XCTestCase {
    // FIPS 180-2 appendix B and the empty message.
    func testSHA256MatchesNISTVectors() {
        XCTAssertEqual(Hex.encode(Digest.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    // RFC 4231 test cases 1, 2 and 6 (a key longer than the block size).
    func testHMACSHA256MatchesRFC4231() {
        let cases: [(key: [UInt8], data: String, mac: String)] = [
            ([UInt8](repeating: 0x0B, count: 20), "Hi There",
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), "what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xAA, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for testCase in cases {
            XCTAssertEqual(Hex.encode(Digest.hmacSHA256(key: testCase.key, data: Array(testCase.data.utf8))),
                           testCase.mac)
        }
    }

    func testHMACWithEmptyKeyAndData() {
        XCTAssertEqual(Hex.encode(Digest.hmacSHA256(key: [], data: [])),
                       "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(constantTimeEquals([], []))
        XCTAssertTrue(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2]))
    }

    func testRandomBytesAndUUIDs() {
        XCTAssertEqual(SecureRandom.bytes(0), [])
        XCTAssertEqual(SecureRandom.bytes(32).count, 32)
        XCTAssertNotEqual(SecureRandom.bytes(16), SecureRandom.bytes(16))

        let uuid = SecureRandom.uuidV4()
        let characters = Array(uuid)
        XCTAssertEqual(characters.count, 36)
        for index in [8, 13, 18, 23] { XCTAssertEqual(characters[index], "-") }
        XCTAssertEqual(characters[14], "4", "version nibble")
        XCTAssertTrue("89ab".contains(characters[19]), "RFC 9562 variant bits")
        XCTAssertEqual(uuid, uuid.lowercased())
        XCTAssertNotEqual(SecureRandom.uuidV4(), SecureRandom.uuidV4())
    }
}
