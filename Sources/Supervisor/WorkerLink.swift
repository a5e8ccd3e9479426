import Glibc
import CSharedMemory
import CSystemShims

/// The child's end of its link to the supervisor: its scoreboard (fd 3, shared memory), a slot
/// per request thread. Updating a slot costs two atomic stores per request, takes no lock and
/// wakes nobody; the supervisor reads the slots on its own schedule.
public final class WorkerLink: @unchecked Sendable {
    public static let scoreboardDescriptor: Int32 = 3
    public static let supervisorPIDVariable = "NEXUS_SUPERVISOR_PID"
    /// The scoreboard's capacity: more request threads than this cannot be reported.
    public static let maximumThreads = Int(NV_SCOREBOARD_MAX_THREADS)

    private let board: UnsafeMutablePointer<nv_scoreboard>?

    /// Connects to the supervisor named in the environment, if any (a child started by hand, or
    /// by spawn-fcgi, has none). Asks the kernel to send SIGTERM when the supervisor dies, so
    /// that no child outlives it, also when the supervisor is killed with SIGKILL.
    public init() {
        guard let text = getenv(Self.supervisorPIDVariable).map({ String(cString: $0) }), let supervisor = pid_t(text) else {
            board = nil
            return
        }
        _ = nv_set_parent_death_signal(SIGTERM)
        if getppid() != supervisor { exit(0) }  // it died before the line above took effect
        board = nv_scoreboard_map(Self.scoreboardDescriptor)
    }

    /// - Parameter threads: the request threads that will report (0 for a child that serves none).
    public func markReady(threads: Int = 0) { board.map { nv_scoreboard_mark_ready($0, UInt32(threads)) } }
    public func requestStarted(thread: Int) { board.map { nv_scoreboard_request_started($0, UInt32(thread)) } }
    public func requestFinished(thread: Int) { board.map { nv_scoreboard_request_finished($0, UInt32(thread)) } }
}
