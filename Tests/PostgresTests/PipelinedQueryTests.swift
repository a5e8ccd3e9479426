import Dispatch
import Foundation
import Glibc
import OperatingSystem
@testable import Postgres
import XCTest

/// `Database.query` on a pool of one connection: statements queued while the connection is
/// busy run in one pipeline, each in its own transaction with its own answer.
final class PipelinedQueryTests: XCTestCase {
    private func makeDatabase() throws -> Database {
        Database(conninfo: try TestDatabase.url(), statementTimeoutMilliseconds: 5_000, connectTimeoutSeconds: 2, poolSize: 1)
    }

    /// Holds the only connection, lets `count` threads queue a statement each (`statement(i)`),
    /// then lets go; returns each thread's answer or error, by index.
    private func queue(_ count: Int, on database: Database, whileHolding hold: (DatabaseConnection) throws -> Void = { _ in },
                       _ statement: @escaping @Sendable (Int) -> Statement) throws -> [Result<QueryResult, Error>] {
        let answers = Locked<[Int: Result<QueryResult, Error>]>([:])
        let holderIn = DispatchSemaphore(value: 0), holderOut = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        let held = Locked<DatabaseConnection?>(nil)
        DispatchQueue.global().async(group: group) {
            try? database.withConnection { connection in
                held.withLock { $0 = connection }
                holderIn.signal()
                holderOut.wait()
            }
        }
        holderIn.wait()
        try hold(try XCTUnwrap(held.withLock { $0 }))
        for index in 0..<count {
            // A thread each: Dispatch's pool would run only a few of them at once.
            group.enter()
            Thread {
                let answer = Result { try database.query(statement(index).sql, statement(index).parameters) }
                answers.withLock { $0[index] = answer }
                group.leave()
            }.start()
            usleep(50_000)  // the previous thread is asleep in the pool by now
        }
        holderOut.signal()
        group.wait()
        return answers.withLock { found in (0..<count).map { found[$0]! } }
    }

    func testQueuedStatementsRunInOnePipelineEachInItsOwnTransaction() throws {
        let database = try makeDatabase()
        let answers = try queue(4, on: database) { index in
            Statement("SELECT $1::int AS n, txid_current()::text AS tx, pg_backend_pid()::text AS pid", [index])
        }
        let rows = try answers.map { try XCTUnwrap(try $0.get().first) }
        XCTAssertEqual(try rows.map { try $0.requiredInt("n") }, [0, 1, 2, 3])
        XCTAssertEqual(Set(try rows.map { try $0.required("tx") }).count, 4, "a transaction per statement")
        XCTAssertEqual(Set(try rows.map { try $0.required("pid") }).count, 1)
        // The first queued thread got the connection and took the other three into its pipeline.
        XCTAssertEqual(database.pool.statementsTaken, 3)
    }

    func testAFailingStatementFailsAloneAndItsNeighboursCommit() throws {
        let database = try makeDatabase()
        let table = "pipeline_\(getpid())"
        try database.query("DROP TABLE IF EXISTS \(table)")
        try database.query("CREATE TABLE \(table) (n int PRIMARY KEY)")
        defer { _ = try? database.query("DROP TABLE \(table)") }
        let answers = try queue(3, on: database) { index in
            // The middle one repeats the first one's key.
            Statement("INSERT INTO \(table) (n) VALUES ($1::int)", [index == 1 ? 0 : index])
        }
        XCTAssertNoThrow(try answers[0].get())
        XCTAssertThrowsError(try answers[1].get()) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .uniqueViolation)
        }
        XCTAssertNoThrow(try answers[2].get())
        let stored = try database.query("SELECT n FROM \(table) ORDER BY n").rows.map { try $0.requiredInt("n") }
        XCTAssertEqual(stored, [0, 2])
        XCTAssertEqual(database.pool.statementsTaken, 2)
    }

    func testAStatementTheServerCannotPrepareFailsAlone() throws {
        let database = try makeDatabase()
        let answers = try queue(3, on: database) { index in
            Statement(index == 1 ? "SELEC $1::int AS n" : "SELECT $1::int AS n", [index])
        }
        XCTAssertEqual(try answers[0].get().first?.requiredInt("n"), 0)
        XCTAssertThrowsError(try answers[1].get()) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .queryFailed)
        }
        XCTAssertEqual(try answers[2].get().first?.requiredInt("n"), 2)
        XCTAssertEqual(database.pool.statementsTaken, 2)
    }

    /// The server ended the session while the connection waited (a restart): the pipeline is
    /// refused before its first answer, so it runs again on a new connection.
    func testAPipelineLostBeforeItsFirstAnswerRunsAgainOnAFreshConnection() throws {
        let database = try makeDatabase()
        var ended = ""
        let answers = try queue(3, on: database, whileHolding: { connection in
            ended = try TestDatabase.backendPid(of: connection)
            try TestDatabase.terminateBackend(ended)
            usleep(100_000)  // the backend is gone
        }) { index in Statement("SELECT $1::int AS n, pg_backend_pid()::text AS pid", [index]) }
        let rows = try answers.map { try XCTUnwrap(try $0.get().first) }
        XCTAssertEqual(try rows.map { try $0.requiredInt("n") }, [0, 1, 2])
        XCTAssertFalse(try rows.contains { try $0.required("pid") == ended })
        XCTAssertEqual(database.pool.statementsTaken, 2)
    }

    /// Inside a `withConnection` body, a query runs on the body's connection, in its transaction.
    func testAQueryInsideABodyRunsInTheBodysTransaction() throws {
        let database = try makeDatabase()
        let (outer, inner) = try database.withConnection { connection in
            try connection.transaction { connection in
                (try connection.query("SELECT txid_current()::text AS tx").first?.required("tx"),
                 try database.query("SELECT txid_current()::text AS tx").first?.required("tx"))
            }
        }
        XCTAssertNotNil(outer)
        XCTAssertEqual(outer, inner)
    }
}
