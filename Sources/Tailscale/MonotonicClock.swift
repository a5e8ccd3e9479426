#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elapsed time that wall-clock changes cannot disturb, and sleeping.
enum MonotonicClock {
    static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Sleeps the full time even when a signal interrupts (nanosleep reports what is left).
    static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}

/// The moment a whole call must be finished by.
struct Deadline {
    private let endMilliseconds: Int64

    init(millisecondsFromNow: Int) {
        endMilliseconds = MonotonicClock.milliseconds() + Int64(max(0, millisecondsFromNow))
    }

    var remainingMilliseconds: Int {
        Int(max(0, endMilliseconds - MonotonicClock.milliseconds()))
    }
}
