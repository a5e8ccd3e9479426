import Dispatch
import Glibc
import OperatingSystem
import Postgres
import XCTest

/// The pool seen through `Database.withConnection`, with one connection for several threads.
final class ConnectionPoolTests: XCTestCase {
    private func makeDatabase(waitMilliseconds: Int = 5_000) throws -> Database {
        Database(conninfo: try TestDatabase.url(), statementTimeoutMilliseconds: waitMilliseconds,
                 connectTimeoutSeconds: 2, poolSize: 1)
    }

    /// Threads that wait for the one connection get it in the order they asked.
    func testWaitingThreadsAreServedInOrderOfArrival() throws {
        let database = try makeDatabase()
        let holderIn = DispatchSemaphore(value: 0), holderOut = DispatchSemaphore(value: 0)
        let order = Locked<[Int]>([])
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            try? database.withConnection { _ in
                holderIn.signal()
                holderOut.wait()
            }
        }
        holderIn.wait()
        for waiter in 1...4 {
            DispatchQueue.global().async(group: group) {
                try? database.withConnection { _ in order.withLock { $0.append(waiter) } }
            }
            usleep(50_000)  // the previous waiter is asleep in the pool by now
        }
        holderOut.signal()
        group.wait()
        XCTAssertEqual(order.withLock { $0 }, [1, 2, 3, 4])
    }

    /// A thread that waits past the limit fails with `.unavailable`, and the pool still works.
    func testAWaitPastTheLimitFailsAndLeavesThePoolUsable() throws {
        let database = try makeDatabase(waitMilliseconds: 100)
        let holderIn = DispatchSemaphore(value: 0), holderOut = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? database.withConnection { _ in
                holderIn.signal()
                holderOut.wait()
            }
            done.signal()
        }
        holderIn.wait()
        XCTAssertDatabaseError(.unavailable) { try database.withConnection { _ in } }
        holderOut.signal()
        done.wait()
        XCTAssertTrue(database.ping())
    }

    /// A body that opens `withConnection` again gets the same connection (no deadlock on a pool of one).
    func testNestingReusesTheThreadsConnection() throws {
        let database = try makeDatabase(waitMilliseconds: 200)
        let pids = try database.withConnection { outer in
            (try TestDatabase.backendPid(of: outer), try database.withConnection { try TestDatabase.backendPid(of: $0) })
        }
        XCTAssertEqual(pids.0, pids.1)
    }

    /// A body run `closingAfterwards` leaves its pool slot to connect anew; nested, it leaves
    /// the outer caller's connection open.
    func testClosingAfterwardsReconnectsTheSlotButNotANestedCallersConnection() throws {
        let database = try makeDatabase()
        let first = try database.withConnection(closingAfterwards: true) { try TestDatabase.backendPid(of: $0) }
        let second = try database.withConnection { try TestDatabase.backendPid(of: $0) }
        XCTAssertNotEqual(first, second)
        let (outer, after) = try database.withConnection { connection in
            try database.withConnection(closingAfterwards: true) { _ in }
            return (try TestDatabase.backendPid(of: connection), try TestDatabase.backendPid(of: connection))
        }
        XCTAssertEqual(outer, second)
        XCTAssertEqual(after, second)
    }
}
