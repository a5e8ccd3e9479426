import VaultCrypto
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
        XCTAssertEqual(migrations.first?.checksum, Digest.sha256Hex("SELECT 1;"))
    }

    func testMissingDirectoryIsUnreadable() {
        XCTAssertThrowsError(try Migrator.load(directory: "/nonexistent/migrations")) { error in
            XCTAssertEqual((error as? MigrationError)?.kind, .unreadableDirectory)
        }
    }
}
