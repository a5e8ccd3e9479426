import XCTest
@testable import VaultCrypto

final class DigestTests: XCTestCase {
    // FIPS 180-2 appendix B and the empty message.
    func testSHA256MatchesNISTVectors() {
        XCTAssertEqual(Hex.encode(Digest.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Digest.sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Digest.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
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
