import Postgres
import XCTest

/// The database the integration tests run against, from `NEXUS_TEST_DATABASE_URL`
/// (e.g. `postgresql://postgres@127.0.0.1:55432/nexus_vault`); tests skip without it.
enum TestDatabase {
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["NEXUS_TEST_DATABASE_URL"], !url.isEmpty else {
            throw XCTSkip("NEXUS_TEST_DATABASE_URL is not set")
        }
        return url
    }

    static func connect(settings: DatabaseConnectionSettings = DatabaseConnectionSettings()) throws -> DatabaseConnection {
        let connection = DatabaseConnection(conninfo: try url(), settings: settings)
        try connection.connect()
        return connection
    }

    /// Ends another session the way a server restart would, from a separate connection.
    static func terminateBackend(_ pid: String) throws {
        let admin = try connect()
        defer { admin.close() }
        try admin.query("SELECT pg_terminate_backend($1::int)", [pid])
    }

    static func backendPid(of connection: DatabaseConnection) throws -> String {
        // Queried outside XCTUnwrap, which would record a thrown (expected) loss as a failure.
        let pid = try connection.query("SELECT pg_backend_pid() AS pid").first?["pid"]
        return try XCTUnwrap(pid)
    }
}

func XCTAssertDatabaseError(
    _ kind: DatabaseError.Kind,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> Void
) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual((error as? DatabaseError)?.kind, kind, "\(error)", file: file, line: line)
    }
}
