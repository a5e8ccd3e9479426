import Foundation
@testable import Postgres
import XCTest

/// Loading migration files and their checksums; no database needed.
final class MigrationFilesTests: XCTestCase {
    func testLoadsOnlySQLFilesInNameOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-files-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["010_later.sql", "002_first.sql", "README.md", ".009_hidden.sql"] {
            try "SELECT 1;".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        let migrations = try Migrator.load(directory: directory.path)
        XCTAssertEqual(migrations.map(\.name), ["002_first.sql", "010_later.sql"])
        XCTAssertEqual(migrations.first?.sql, "SELECT 1;")
        XCTAssertEqual(migrations.first?.checksum, SHA256Digest.hex("SELECT 1;"))
    }

    func testMissingDirectoryIsUnreadable() {
        XCTAssertThrowsError(try Migrator.load(directory: "/nonexistent/migrations")) { error in
            XCTAssertEqual((error as? MigrationError)?.kind, .unreadableDirectory)
        }
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256Digest.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
        // 1000 bytes: several blocks, and padding that spills into an extra block.
        XCTAssertEqual(
            SHA256Digest.hex(String(repeating: "a", count: 1_000)),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        )
        XCTAssertEqual(SHA256Digest.hex("ñandú ✓"), "88d470370cbf532b84a10960c299a84cfda4ee65182a8669066ef2473b089b07")
    }
}
