import Foundation
import Postgres
import XCTest

final class MigratorTests: XCTestCase {
    private static let repositoryMigrations = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("migrations").path

    private var connection: DatabaseConnection!
    private var schema = ""

    /// Each test migrates a schema of its own, first on the search path, so it starts from an
    /// empty database without needing CREATE DATABASE.
    override func setUpWithError() throws {
        connection = try TestDatabase.connect()
        schema = "migrator_test_\(getpid())_\(Int.random(in: 0..<1_000_000))"
        try connection.execute("CREATE SCHEMA \(schema); SET search_path TO \(schema)")
    }

    override func tearDown() {
        try? connection?.execute("DROP SCHEMA \(schema) CASCADE")
        connection?.close()
    }

    func testAppliesEveryFileOnceOnAnEmptyDatabase() throws {
        let migrator = Migrator(connection: connection, directory: Self.repositoryMigrations)
        let files = try Migrator.load(directory: Self.repositoryMigrations).map(\.name)
        XCTAssertFalse(files.isEmpty)
        XCTAssertEqual(files, files.sorted())

        XCTAssertEqual(try migrator.migrate(log: { _ in }), files)
        XCTAssertEqual(try migrator.migrate(log: { _ in }), [])

        let tables = try connection.query(
            "SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1 AND tablename = ANY($2::text[])",
            [schema, ["devices", "tailscale_nodes", "tailscale_sync_state", "rate_limits", "schema_migrations"]]
        )
        XCTAssertEqual(tables.first?.int("n"), 5)
    }

    func testRecordedChecksumMatchesTheServersSHA256() throws {
        let migrator = Migrator(connection: connection, directory: Self.repositoryMigrations)
        _ = try migrator.migrate(log: { _ in })
        let first = try XCTUnwrap(Migrator.load(directory: Self.repositoryMigrations).first)
        let row = try connection.query(
            "SELECT checksum, encode(sha256(convert_to($2, 'UTF8')), 'hex') AS expected FROM schema_migrations WHERE name = $1",
            [first.name, first.sql]
        ).first
        XCTAssertEqual(row?["checksum"], first.checksum)
        XCTAssertEqual(row?["expected"], first.checksum)
    }

    func testChangedFileAfterApplyIsAnError() throws {
        let directory = try temporaryMigrations(["001_a.sql": "CREATE TABLE a (id int);"])
        let migrator = Migrator(connection: connection, directory: directory.path)
        XCTAssertEqual(try migrator.migrate(log: { _ in }), ["001_a.sql"])

        try "CREATE TABLE a (id bigint);".write(to: directory.appendingPathComponent("001_a.sql"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try migrator.migrate(log: { _ in })) { error in
            XCTAssertEqual(error as? MigrationError, .changedAfterApply("001_a.sql"))
        }
    }

    func testFailingFileLeavesNothingBehind() throws {
        let directory = try temporaryMigrations([
            "001_ok.sql": "CREATE TABLE ok (id int);",
            "002_broken.sql": "CREATE TABLE half (id int); CREATE TABLE broken (id nosuchtype);",
        ])
        let migrator = Migrator(connection: connection, directory: directory.path)
        XCTAssertThrowsError(try migrator.migrate(log: { _ in })) { error in
            XCTAssertEqual((error as? MigrationError)?.kind, .failed)
            XCTAssertEqual((error as? MigrationError)?.name, "002_broken.sql")
        }
        let recorded = try connection.query("SELECT name FROM schema_migrations").rows.map { $0["name"] }
        XCTAssertEqual(recorded, ["001_ok.sql"])
        XCTAssertNil(try connection.query("SELECT to_regclass('half') AS half").first?["half"])
    }

    private func temporaryMigrations(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(schema)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        for (name, sql) in files {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }
}
