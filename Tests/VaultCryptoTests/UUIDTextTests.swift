import XCTest
@testable import VaultCrypto

final class UUIDTextTests: XCTestCase {
    func testCanonicalFormInEitherCase() {
        XCTAssertTrue(UUIDText.isValid("6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5e"))
        XCTAssertTrue(UUIDText.isValid("6F1C1D9E-3B0A-4C55-9D8E-2F4A8B7C6D5E"))
        XCTAssertTrue(UUIDText.isValid(SecureRandom.uuidV4()))
    }

    func testEverythingElseIsRefused() {
        for text in ["", "6f1c1d9e3b0a4c559d8e2f4a8b7c6d5e", "6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5", "6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5e0",
                     "6f1c1d9e-3b0a-4c55-9d8e-2f4a8b7c6d5g", "6f1c1d9e_3b0a-4c55-9d8e-2f4a8b7c6d5e", "' OR 1=1 --"] {
            XCTAssertFalse(UUIDText.isValid(text), text)
        }
    }
}
