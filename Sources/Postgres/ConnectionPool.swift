import Glibc
import OperatingSystem

/// A fixed number of connections shared by the request threads of one process.
///
/// A thread borrows one for a whole `Database.withConnection` body (a transaction never spans
/// two). A thread that already holds one and asks again (a body that calls a helper which also
/// opens `withConnection`) gets the same connection back, as it did when a process had only
/// one: nesting can neither deadlock the pool nor split a transaction. When every connection
/// is out, a thread waits up to `waitSeconds`, then fails with `.unavailable`.
final class ConnectionPool: @unchecked Sendable {
    private let lock = Lock()
    private let returned: Condition
    private let waitSeconds: Double
    /// Most recently returned last: the busiest connections stay warm, the rest stay unopened.
    private var idle: [DatabaseConnection]
    private var held: [pthread_t: (connection: DatabaseConnection, depth: Int)] = [:]

    init(size: Int, waitSeconds: Double, makeConnection: () -> DatabaseConnection) {
        idle = (0..<max(1, size)).map { _ in makeConnection() }.reversed()
        returned = Condition(lock: lock)
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
            let deadline = MonotonicClock.seconds() + waitSeconds
            while idle.isEmpty {
                if !returned.wait(until: deadline), idle.isEmpty {
                    throw DatabaseError(kind: .unavailable, message: "every database connection of this process stayed busy for \(waitSeconds) s")
                }
            }
            let connection = idle.removeLast()
            held[thread] = (connection, 1)
            return (connection, true)
        }
    }

    func release() {
        let thread = pthread_self()
        lock.withLock {
            guard let lease = held[thread] else { return }
            if lease.depth > 1 {
                held[thread] = (lease.connection, lease.depth - 1)
                return
            }
            held[thread] = nil
            idle.append(lease.connection)
            returned.signal()
        }
    }
}
