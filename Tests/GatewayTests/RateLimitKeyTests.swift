import XCTest
@testable import Gateway

/// What a client address counts as in the rate limits.
final class RateLimitKeyTests: XCTestCase {
    func testIPv4AddressesAreKeyedAsTheyAre() {
        XCTAssertEqual(RateLimiter.addressKey("203.0.113.7"), "203.0.113.7")
        XCTAssertNotEqual(RateLimiter.addressKey("203.0.113.7"), RateLimiter.addressKey("203.0.113.8"))
    }

    func testIPv6AddressesAreKeyedByTheirSlash64() {
        XCTAssertEqual(RateLimiter.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64")
        XCTAssertEqual(RateLimiter.addressKey("2001:db8:1:2::1"), RateLimiter.addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        XCTAssertEqual(RateLimiter.addressKey("2001:DB8:1:2::1"), "2001:db8:1:2::/64")
        XCTAssertNotEqual(RateLimiter.addressKey("2001:db8:1:2::1"), RateLimiter.addressKey("2001:db8:1:3::1"))
        XCTAssertEqual(RateLimiter.addressKey("::1"), "::/64")
    }

    func testAnIPv4MappedAddressCountsAsItsIPv4Address() {
        XCTAssertEqual(RateLimiter.addressKey("::ffff:203.0.113.7"), "203.0.113.7")
    }

    func testWhatIsNoAddressIsKeptAsItIs() {
        for text in ["unknown", "", "fe80::1%eth0", "2001:db8::1/64", "1.2.3"] {
            XCTAssertEqual(RateLimiter.addressKey(text), text)
        }
    }
}
