#if canImport(Glibc)
import Glibc
#endif

/// A place in the pool that must always hold one live child of the current generation.
struct Slot: Hashable {
    let spec: String
    let index: Int
    let generation: Int
}

/// A running child as the supervisor sees it.
struct Child {
    let pid: pid_t
    let slot: Slot
    let statusDescriptor: Int32
    let startedAt: Double
    let receivesRequests: Bool
    var ready = false
    var busySince: Double?
    var requests = 0
    /// Sent SIGTERM (reload, stop); no longer counts toward the pool.
    var retiring = false
    var killedForTimeout = false
}

/// How a child ended, decoded from a waitpid status.
struct ChildExit {
    let status: Int32

    var exitedNormally: Bool { status & 0x7f == 0 }
    var exitCode: Int32 { (status >> 8) & 0xff }
    var signal: Int32? { exitedNormally ? nil : status & 0x7f }
    var crashed: Bool { !(exitedNormally && exitCode == 0) }

    var description: String {
        if let signal { return "killed by signal \(signal)" }
        return "exited with code \(exitCode)"
    }
}

enum Clock {
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
