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
///
/// A thread that waits to run a single statement (`acquire(for:)`) waits in the same line.
/// When a connection is handed to it, it also takes the statements queued behind it so far
/// (up to `batchLimit`) and runs them all in one pipeline (`Database.query`); the threads that
/// queued them wait for their answers instead of for a connection.
final class ConnectionPool: @unchecked Sendable {
    /// What `acquire(for:)` gives a thread.
    enum StatementLease {
        /// The thread holds `connection`: it runs its own statement and then `queued`, answers
        /// them (`answer`) and releases the connection.
        case connection(DatabaseConnection, queued: [QueuedStatement])
        /// The thread was holding a connection already (inside `withConnection`): it runs its
        /// statement there, in whatever transaction is open, and releases once.
        case nested(DatabaseConnection)
        /// Another thread ran the statement in its pipeline.
        case answered(Result<QueryResult, DatabaseError>)
    }

    /// A statement another thread queued, taken into this thread's pipeline.
    struct QueuedStatement {
        fileprivate let waiter: Waiter
        var statement: Statement { waiter.statement! }
    }

    /// Statements one pipeline takes at most: a pipeline's answers come one after another, and
    /// the thread that sends it answers its own caller only after all of them.
    static let batchLimit = 8

    private let lock = Lock()
    private let waitSeconds: Double
    /// Most recently returned last: the busiest connections stay warm, the rest stay unopened.
    /// Empty whenever a thread is waiting.
    private var idle: [DatabaseConnection]
    private var held: [pthread_t: (connection: DatabaseConnection, depth: Int)] = [:]
    /// Longest waiting first (at most one per request thread).
    private var waiting: [Waiter] = []
    /// Statements run in another thread's pipeline so far (for the tests).
    private(set) var statementsTaken = 0

    /// One waiting thread: woken when a connection was handed to it, or, for a thread waiting
    /// to run one statement, when another thread's pipeline answered it.
    fileprivate final class Waiter {
        let woken: Condition
        let statement: Statement?
        var connection: DatabaseConnection?
        /// Handed over with `connection`: the statements taken for this thread's pipeline.
        var queued: [QueuedStatement] = []
        /// Taken into another thread's pipeline: no longer waiting for a connection, so it
        /// cannot time out; the pipeline answers it within its statements' timeouts.
        var taken = false
        var answer: Result<QueryResult, DatabaseError>?

        init(lock: Lock, statement: Statement?) {
            woken = Condition(lock: lock)
            self.statement = statement
        }
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
                let waiter = Waiter(lock: lock, statement: nil)
                try wait(waiter)
                connection = waiter.connection!
            }
            held[thread] = (connection, 1)
            return (connection, true)
        }
    }

    /// Like `acquire()`, for a thread with a single statement to run.
    func acquire(for statement: Statement) throws(DatabaseError) -> StatementLease {
        let thread = pthread_self()
        return try lock.withLock { () throws(DatabaseError) -> StatementLease in
            if let lease = held[thread] {
                held[thread] = (lease.connection, lease.depth + 1)
                return .nested(lease.connection)
            }
            if waiting.isEmpty, let free = idle.popLast() {
                held[thread] = (free, 1)
                return .connection(free, queued: [])
            }
            let waiter = Waiter(lock: lock, statement: statement)
            try wait(waiter)
            if let answer = waiter.answer { return .answered(answer) }
            held[thread] = (waiter.connection!, 1)
            return .connection(waiter.connection!, queued: waiter.queued)
        }
    }

    /// Gives a queued statement its answer; call once for each statement taken.
    func answer(_ queued: QueuedStatement, with outcome: Result<QueryResult, DatabaseError>) {
        lock.withLock { queued.waiter.answer = outcome }
        queued.waiter.woken.signal()
    }

    /// With the lock held: waits in line until a connection or an answer comes.
    private func wait(_ waiter: Waiter) throws(DatabaseError) {
        waiting.append(waiter)
        let deadline = MonotonicClock.seconds() + waitSeconds
        while waiter.connection == nil, waiter.answer == nil {
            if waiter.taken {
                _ = waiter.woken.wait(until: MonotonicClock.seconds() + waitSeconds)
            } else if !waiter.woken.wait(until: deadline), waiter.connection == nil, !waiter.taken {
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
            if next.statement != nil { takeQueuedStatements(for: next) }
            return next
        }
        // After the unlock, so that the thread does not wake into a lock still held.
        next?.woken.signal()
    }

    /// With the lock held: moves the statements waiting behind `waiter` into its pipeline.
    private func takeQueuedStatements(for waiter: Waiter) {
        var taken: [QueuedStatement] = []
        waiting.removeAll { queued in
            guard queued.statement != nil, taken.count < Self.batchLimit - 1 else { return false }
            queued.taken = true
            taken.append(QueuedStatement(waiter: queued))
            return true
        }
        waiter.queued = taken
        statementsTaken += taken.count
    }
}
