import Postgres
import XCTest

final class DatabaseTests: XCTestCase {
    private func makeDatabase(statementTimeoutMilliseconds: Int = 5_000) throws -> Database {
        Database(conninfo: try TestDatabase.url(), statementTimeoutMilliseconds: statementTimeoutMilliseconds, connectTimeoutSeconds: 2)
    }

    func testConnectsLazilyAndPings() throws {
        let database = try makeDatabase()
        XCTAssertTrue(database.ping())
        let settings = try database.withConnection { connection in
            try connection.query("SELECT current_setting('statement_timeout') AS timeout, current_setting('application_name') AS name").first
        }
        XCTAssertEqual(settings?["timeout"], "5s")
        XCTAssertEqual(settings?["name"], "nexus-vault")
    }

    func testStatementTimeoutComesFromTheSettings() throws {
        let database = try makeDatabase(statementTimeoutMilliseconds: 50)
        XCTAssertDatabaseError(.timeout) {
            try database.withConnection { connection in try connection.execute("SELECT pg_sleep(2)") }
        }
    }

    func testRetriesWhenTheFirstStatementFindsTheConnectionLost() throws {
        let database = try makeDatabase()
        let firstPid = try database.withConnection { try TestDatabase.backendPid(of: $0) }
        try TestDatabase.terminateBackend(firstPid)

        var attempts = 0
        let secondPid = try database.withConnection { connection in
            attempts += 1
            return try TestDatabase.backendPid(of: connection)
        }
        XCTAssertEqual(attempts, 2)
        XCTAssertNotEqual(secondPid, firstPid)
    }

    func testLossAfterTheFirstStatementIsNotRetried() throws {
        let database = try makeDatabase()
        var attempts = 0
        XCTAssertDatabaseError(.unavailable) {
            try database.withConnection { connection in
                attempts += 1
                try TestDatabase.terminateBackend(TestDatabase.backendPid(of: connection))
                try connection.query("SELECT 1")
            }
        }
        XCTAssertEqual(attempts, 1)
        XCTAssertTrue(database.ping(), "the next call reconnects")
    }

    func testUnreachableServerFailsFastWithoutHammering() {
        let database = Database(conninfo: "postgresql://postgres@127.0.0.1:1/none", statementTimeoutMilliseconds: 1_000, connectTimeoutSeconds: 2)
        var calls = 0
        for _ in 0..<3 {
            XCTAssertDatabaseError(.unavailable) {
                try database.withConnection { _ in calls += 1 }
            }
        }
        XCTAssertEqual(calls, 0)
        XCTAssertFalse(database.ping())
    }

    func testErrorsThatAreNotConnectionLossPassThrough() throws {
        let database = try makeDatabase()
        struct DomainError: Error {}
        var attempts = 0
        XCTAssertThrowsError(try database.withConnection { _ in
            attempts += 1
            throw DomainError()
        }) { XCTAssertTrue($0 is DomainError) }
        XCTAssertEqual(attempts, 1)
    }
}
