import Glibc

/// A pthread mutex, for the few things a worker's request threads share (the database pool,
/// the access-log batch, the Tailscale token, the libcurl handles). The package loads neither
/// Swift Concurrency nor Synchronization, so this is the one lock type.
public final class Lock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value guarded by a `Lock` of its own: the shape the JWT caches use.
///
/// Critical sections are kept to reads and writes of the value: nothing slow (no network, no
/// signature check) runs while the lock is held.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = Lock()

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(lock.mutex)
        defer { pthread_mutex_unlock(lock.mutex) }
        return try body(&value)
    }

    /// Like `withLock`, but nil at once instead of waiting when another thread holds the lock.
    public func withLockIfFree<Result>(_ body: (inout Value) -> Result) -> Result? {
        guard pthread_mutex_trylock(lock.mutex) == 0 else { return nil }
        defer { pthread_mutex_unlock(lock.mutex) }
        return body(&value)
    }
}

/// A condition variable bound to one `Lock`, timed on CLOCK_MONOTONIC (a wall-clock step
/// neither shortens nor stretches a wait).
public final class Condition: @unchecked Sendable {
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let lock: Lock

    public init(lock: Lock) {
        self.lock = lock
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits until signalled or until the monotonic clock reads `deadline` seconds; call with
    /// the lock held (inside `withLock`). Returns false when the deadline passed.
    public func wait(until deadline: Double) -> Bool {
        let whole = deadline.rounded(.down)
        var limit = timespec(tv_sec: Int(whole), tv_nsec: Int((deadline - whole) * 1e9))
        return pthread_cond_timedwait(condition, lock.mutex, &limit) != ETIMEDOUT
    }

    /// Wakes one waiter. Call it after changing, under the lock, what the waiter checks under
    /// the lock before it waits: then no wake-up is lost, whether the lock is still held or not.
    public func signal() { pthread_cond_signal(condition) }
}
