import VaultCrypto
@testable import Gateway
import OperatingSystem
import XCTest

/// Enrollment tokens, tag lists and rate-limit buckets: the pieces of enrollment that need no database.
final class DeviceEnrollmentTokenTests: XCTestCase {
    func testIssuedTokensAreRandomUUIDv4StoredAsSHA256() {
        let token = EnrollmentToken.issue()
        XCTAssertTrue(UUIDText.isValid(token.raw))
        XCTAssertEqual(Array(token.raw.utf8)[14], UInt8(ascii: "4"))
        XCTAssertEqual(token.hash, Digest.sha256Hex(token.raw))
        XCTAssertNotEqual(EnrollmentToken.issue().raw, token.raw)
    }

    func testPresentedTokens() {
        XCTAssertEqual(EnrollmentToken(presented: "portal-written-token")?.hash, Digest.sha256Hex("portal-written-token"))
        // A NUL would end the value early in libpq and match a shorter raw token.
        for text in ["", "to\u{0}ken", "with space", "ñ", String(repeating: "x", count: 256)] {
            XCTAssertNil(EnrollmentToken(presented: text), text)
        }
    }

    func testTagLists() {
        XCTAssertEqual(TagList.parse(#"["tag:sap","tag:dev"]"#), ["tag:sap", "tag:dev"])
        XCTAssertNil(TagList.parse(nil))
        XCTAssertNil(TagList.parse("[]"))
        XCTAssertNil(TagList.parse("not json"))
    }

    func testRateLimitBucketsAreDeduplicatedAndOrdered() {
        XCTAssertEqual(RateLimiter.normalized(["b", "a", "b"]), ["a", "b"])
    }

    func testPendingDeviceMetadataAndExpiry() {
        let device = PendingDevice(userID: "u", organizationID: nil, name: "n", type: .laptop, os: nil,
                                   createdBy: nil, tokenLifetimeSeconds: 3600)
        XCTAssertEqual(device.metadata(tags: ["tag:prod"]).keys, ["created_by", "tailscale_tags", "tailscale_group"])
        XCTAssertEqual(device.metadata(tags: ["tag:prod"])["tailscale_group"], "sap")
        XCTAssertTrue(device.expiresAt.hasSuffix("Z"))
        XCTAssertGreaterThan(device.expiresAt, Timestamp.nowISO8601())
    }
}
