import Glibc

/// Elapsed time that changes of the wall clock cannot disturb (timeouts, backoff, ages), and
/// sleeping. CLOCK_MONOTONIC is system-wide, so readings compare across processes.
public enum MonotonicClock {
    public static func seconds() -> Double {
        let now = reading()
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    public static func milliseconds() -> Int64 {
        let now = reading()
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Sleeps the full time even when a signal interrupts (nanosleep reports what is left).
    public static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }

    private static func reading() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now
    }
}
