#if canImport(Glibc)
import Glibc
#endif
import CShims

/// The child's end of its link to the supervisor: its scoreboard slot (fd 3, shared memory).
/// Updating it costs two atomic stores per request and wakes nobody; the supervisor reads the
/// slots on its own schedule.
public final class WorkerLink {
    public static let scoreboardDescriptor: Int32 = 3
    public static let supervisorPIDVariable = "NEXUS_SUPERVISOR_PID"

    private let slot: UnsafeMutablePointer<nv_scoreboard_slot>?

    /// Connects to the supervisor named in the environment, if any (a child started by hand, or
    /// by spawn-fcgi, has none). Asks the kernel to send SIGTERM when the supervisor dies, so
    /// that no child outlives it, also when the supervisor is killed with SIGKILL.
    public init() {
        guard let text = getenv(Self.supervisorPIDVariable).map({ String(cString: $0) }), let supervisor = pid_t(text) else {
            slot = nil
            return
        }
        _ = nv_set_parent_death_signal(SIGTERM)
        if getppid() != supervisor { exit(0) }  // it died before the line above took effect
        slot = nv_scoreboard_map(Self.scoreboardDescriptor)
    }

    public var isSupervised: Bool { slot != nil }

    public func markReady() { slot.map { nv_scoreboard_mark_ready($0) } }
    public func requestStarted() { slot.map { nv_scoreboard_request_started($0) } }
    public func requestFinished() { slot.map { nv_scoreboard_request_finished($0) } }
}
