import Glibc
import CSharedMemory

/// A place in the pool that must always hold one live child of the current generation.
struct Slot: Hashable {
    let spec: String
    let index: Int
    let generation: Int
}

/// One request thread of a child, as its scoreboard slot last showed it.
struct ThreadState {
    var requests = 0
    /// Monotonic seconds when its current request started; nil while idle.
    var busySince: Double?
}

/// A running child as the supervisor sees it.
struct Child {
    let pid: pid_t
    let slot: Slot
    let scoreboard: Scoreboard
    let startedAt: Double
    let receivesRequests: Bool
    var ready = false
    var threads: [ThreadState] = []
    var requests = 0
    /// Sent SIGTERM (reload, stop); no longer counts toward the pool.
    var retiring = false
    /// When a thread of it was found stuck past the time limit (it is draining, then killed).
    var stuckSince: Double?
    var killedForTimeout: Bool { stuckSince != nil }

    /// When its oldest in-flight request started (the one a time limit judges); nil when idle.
    var busySince: Double? { threads.compactMap(\.busySince).min() }

    /// Copies what the child last wrote into its scoreboard; returns the requests it finished
    /// since the previous call.
    mutating func refresh() -> Int {
        let reading = scoreboard.read()
        ready = reading.ready
        threads = reading.threads
        let total = threads.reduce(0) { $0 + $1.requests }
        let finished = total - requests
        requests = total
        return finished
    }
}

/// The supervisor's handle on one child's shared-memory scoreboard.
struct Scoreboard {
    let descriptor: Int32
    let board: UnsafeMutablePointer<nv_scoreboard>

    /// A new zeroed scoreboard; its descriptor sits above fd 9 so the spawner can move it to fd 3.
    static func create() -> Scoreboard? {
        let descriptor = nv_scoreboard_create()
        guard descriptor >= 0 else { return nil }
        guard let board = nv_scoreboard_map(descriptor) else {
            close(descriptor)
            return nil
        }
        return Scoreboard(descriptor: descriptor, board: board)
    }

    func read() -> (ready: Bool, threads: [ThreadState]) {
        var ready: UInt32 = 0
        var count: UInt32 = 0
        nv_scoreboard_read(board, &ready, &count)
        let threads = (0..<count).map { thread -> ThreadState in
            var requests: UInt64 = 0
            var busySince: Int64 = 0
            nv_scoreboard_read_thread(board, thread, &requests, &busySince)
            return ThreadState(requests: Int(requests), busySince: busySince == 0 ? nil : Double(busySince) / 1e9)
        }
        return (ready != 0, threads)
    }

    func release() {
        nv_scoreboard_unmap(board)
        close(descriptor)
    }
}

/// How a child ended, decoded from a waitpid status.
struct ChildExit {
    let status: Int32

    var exitedNormally: Bool { status & 0x7f == 0 }
    var exitCode: Int32 { (status >> 8) & 0xff }
    var signal: Int32? { exitedNormally ? nil : status & 0x7f }
    var crashed: Bool { !(exitedNormally && exitCode == 0) }

    /// What the respawn decision needs to know about an exit.
    enum Cause { case finished, killedFromOutside, diedOnItsOwn }

    /// Signals a process raises against itself when it fails (a fault, an abort, a trap); any
    /// other signal was sent from outside.
    static let selfInflictedSignals: Set<Int32> = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS]

    var cause: Cause {
        if !crashed { return .finished }
        if let signal, !Self.selfInflictedSignals.contains(signal) { return .killedFromOutside }
        return .diedOnItsOwn
    }

    var description: String {
        if let signal { return "killed by signal \(signal)" }
        return "exited with code \(exitCode)"
    }
}
