import Glibc

/// systemd's readiness protocol (`sd_notify(3)`, `Type=notify`): one datagram per state change
/// to the unix socket named by `NOTIFY_SOCKET` (a path, or an abstract name written `@name`).
/// Without that variable every call does nothing. Sending never blocks and never fails the
/// caller: a lost notification is systemd's to time out, not a reason to stop serving.
struct SystemdNotifier {
    static let socketVariable = "NOTIFY_SOCKET"

    private let address: [UInt8]?
    private var lastStatus: String?

    init(socketPath: String?) {
        guard let socketPath, socketPath.hasPrefix("/") || socketPath.hasPrefix("@"), socketPath.utf8.count > 1 else {
            address = nil
            return
        }
        // An abstract name starts with a NUL byte instead of '@' and is not NUL-terminated.
        address = socketPath.hasPrefix("@") ? [0] + Array(socketPath.utf8.dropFirst()) : Array(socketPath.utf8)
    }

    var isEnabled: Bool { address != nil }

    func ready() { send("READY=1") }

    /// READY=1 and the status that goes with it in one datagram, so that whoever sees the pool
    /// ready also sees its counts.
    mutating func ready(status text: String) {
        lastStatus = text
        send("READY=1\nSTATUS=\(text)")
    }

    /// `MONOTONIC_USEC` lets systemd tell this reload from a later one.
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    func stopping() { send("STOPPING=1") }

    /// Sent only when the text changed since the last one.
    mutating func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        send("STATUS=\(text)")
    }

    private func send(_ message: String) {
        guard let address else { return }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
        guard address.count < capacity else { return }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { path in
            path.copyBytes(from: address)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count + (address.first == 0 ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), generic, length) }
            }
        }
    }
}
