#if canImport(Glibc)
import Glibc
#endif
import CShims

/// The one-byte messages a child sends its supervisor over the status pipe (fd 3 in the child).
/// A pipe, not shared memory, because the supervisor must also notice a child that vanished.
public enum WorkerMessage: UInt8, Sendable {
    case ready = 0x52         // "R": initialised, can take requests
    case requestStarted = 0x42  // "B"
    case requestFinished = 0x45 // "E"
}

/// The child's end of the link to its supervisor.
public final class WorkerLink {
    public static let statusDescriptor: Int32 = 3
    public static let supervisorPIDVariable = "NEXUS_SUPERVISOR_PID"

    private let descriptor: Int32?

    /// Connects to the supervisor named in the environment, if any (a child started by hand has none).
    /// Asks the kernel to send SIGTERM when the supervisor dies, so that no child outlives it,
    /// also when the supervisor is killed with SIGKILL.
    public init() {
        guard let text = getenv(Self.supervisorPIDVariable).map({ String(cString: $0) }), let supervisor = pid_t(text) else {
            descriptor = nil
            return
        }
        _ = nv_set_parent_death_signal(SIGTERM)
        if getppid() != supervisor { exit(0) }  // it died before the line above took effect
        signal(SIGPIPE, SIG_IGN)
        descriptor = Self.statusDescriptor
    }

    public var isSupervised: Bool { descriptor != nil }

    /// Sends one message; returns false when the supervisor is gone (the child should stop).
    @discardableResult
    public func send(_ message: WorkerMessage) -> Bool {
        guard let descriptor else { return true }
        var byte = message.rawValue
        while true {
            let written = Glibc.write(descriptor, &byte, 1)
            if written == 1 { return true }
            if written < 0, errno == EINTR { continue }
            return false
        }
    }
}
