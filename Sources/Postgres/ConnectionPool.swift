import Glibc
import OperatingSystem

/// A fixed number of connections shared by the request threads of one process.
///
/// A thread borrows one for a whole `Database.withConnection` body (a transaction never spans
/// two). A thread that already holds one and asks again (a body that calls a helper which also
/// opens `withConnection`) gets the same connection back, as it did when a process had only
/// one: nesting can neither deadlock the pool nor split a transaction. When every connection
/// is out, a thread waits up to `waitSeconds`, then fails with `.unavailable`.
///
/// Waiting threads are served in order of arrival, and a returned connection is handed to the
/// first of them directly: with more request threads than connections (16 requests in flight
/// per worker on 4 connections, under load), a connection put back for anyone to take was
/// often taken by a thread that had just arrived, and the one woken for it went back to sleep:
/// a wasted wake-up per request, and a tail of requests that kept losing.
final class ConnectionPool: @unchecked Sendable {
    private let lock = Lock()
    private let waitSeconds: Double
    /// Most recently returned last: the busiest connections stay warm, the rest stay unopened.
    /// Empty whenever a thread is waiting.
    private var idle: [DatabaseConnection]
    private var held: [pthread_t: (connection: DatabaseConnection, depth: Int)] = [:]
    /// Longest waiting first (at most one per request thread).
    private var waiting: [Waiter] = []

    /// One waiting thread: woken when a connection was handed to it.
    private final class Waiter {
        let handedOver: Condition
        var connection: DatabaseConnection?

        init(lock: Lock) { handedOver = Condition(lock: lock) }
    }

    init(size: Int, waitSeconds: Double, makeConnection: () -> DatabaseConnection) {
        idle = (0..<max(1, size)).map { _ in makeConnection() }.reversed()
        self.waitSeconds = waitSeconds
    }

    /// The calling thread's connection; `outermost` is true when it was not holding one already.
    func acquire() throws(DatabaseError) -> (connection: DatabaseConnection, outermost: Bool) {
        let thread = pthread_self()
        return try lock.withLock { () throws(DatabaseError) -> (DatabaseConnection, Bool) in
            if let lease = held[thread] {
                held[thread] = (lease.connection, lease.depth + 1)
                return (lease.connection, false)
            }
            let connection: DatabaseConnection
            if waiting.isEmpty, let free = idle.popLast() {
                connection = free
            } else {
                connection = try waitForHandover()
            }
            held[thread] = (connection, 1)
            return (connection, true)
        }
    }

    /// With the lock held.
    private func waitForHandover() throws(DatabaseError) -> DatabaseConnection {
        let waiter = Waiter(lock: lock)
        waiting.append(waiter)
        let deadline = MonotonicClock.seconds() + waitSeconds
        while true {
            if let connection = waiter.connection { return connection }
            if !waiter.handedOver.wait(until: deadline), waiter.connection == nil {
                waiting.removeAll { $0 === waiter }
                throw DatabaseError(kind: .unavailable, message: "every database connection of this process stayed busy for \(waitSeconds) s")
            }
        }
    }

    func release() {
        let thread = pthread_self()
        let next: Waiter? = lock.withLock {
            guard let lease = held[thread] else { return nil }
            if lease.depth > 1 {
                held[thread] = (lease.connection, lease.depth - 1)
                return nil
            }
            held[thread] = nil
            guard !waiting.isEmpty else {
                idle.append(lease.connection)
                return nil
            }
            let next = waiting.removeFirst()
            next.connection = lease.connection
            return next
        }
        // After the unlock, so that the thread does not wake into a lock still held.
        next?.handedOver.signal()
    }
}
