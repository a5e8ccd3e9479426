import Glibc

/// Where the FastCGI listen socket comes from.
public enum ListenAddress: Equatable, Sendable {
    /// A unix socket; owner/group/mode are applied explicitly because nginx workers run
    /// unprivileged and a root-owned 0755 socket answers them "Permission denied".
    case unix(path: String, owner: String?, group: String?, mode: UInt32)
    /// A TCP port (loopback unless told otherwise: FastCGI has no authentication).
    case tcp(host: String, port: UInt16)
    /// Socket activation: systemd passes the socket as fd 3 (LISTEN_FDS / LISTEN_PID).
    case systemd
}

public struct ListenSocketError: Error, CustomStringConvertible {
    public let description: String
}

public enum ListenSocket {
    public static let backlog: Int32 = 1024

    /// Binds and listens. The descriptor is close-on-exec and above 9, so that the spawner can
    /// move it to fd 0 of each worker without clashing with the fds it sets up there.
    public static func open(_ address: ListenAddress) throws(ListenSocketError) -> Int32 {
        let descriptor: Int32
        switch address {
        case let .unix(path, owner, group, mode): descriptor = try bindUnix(path: path, owner: owner, group: group, mode: mode)
        case let .tcp(host, port): descriptor = try bindTCP(host: host, port: port)
        case .systemd: descriptor = try inheritSystemd()
        }
        let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
        guard moved >= 0 else { throw failure("cannot duplicate the listen socket") }
        close(descriptor)
        return moved
    }

    /// Removes a unix socket file on shutdown.
    public static func cleanUp(_ address: ListenAddress) {
        if case let .unix(path, _, _, _) = address { unlink(path) }
    }

    private static func failure(_ what: String) -> ListenSocketError {
        ListenSocketError(description: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func bindUnix(path: String, owner: String?, group: String?, mode: UInt32) throws(ListenSocketError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw ListenSocketError(description: "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        // A stale socket file from a crashed run would make bind fail; anything else is refused.
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw ListenSocketError(description: "\(path) exists and is not a socket")
            }
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { close(descriptor); throw failure("bind \(path)") }
        let uid = try owner.map { name throws(ListenSocketError) in try userID(name) } ?? uid_t.max
        let gid = try group.map { name throws(ListenSocketError) in try groupID(name) } ?? gid_t.max
        if owner != nil || group != nil, chown(path, uid, gid) != 0 { close(descriptor); throw failure("chown \(path)") }
        guard chmod(path, mode_t(mode)) == 0 else { close(descriptor); throw failure("chmod \(path)") }
        guard listen(descriptor, backlog) == 0 else { close(descriptor); throw failure("listen \(path)") }
        return descriptor
    }

    private static func bindTCP(host: String, port: UInt16) throws(ListenSocketError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw ListenSocketError(description: "not an IPv4 address: \(host)")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(descriptor); throw failure("bind \(host):\(port)") }
        guard listen(descriptor, backlog) == 0 else { close(descriptor); throw failure("listen \(host):\(port)") }
        return descriptor
    }

    private static func inheritSystemd() throws(ListenSocketError) -> Int32 {
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }), Int32(pidText) == getpid(),
              let countText = getenv("LISTEN_FDS").map({ String(cString: $0) }), let count = Int(countText), count >= 1
        else { throw ListenSocketError(description: "socket activation requested but LISTEN_PID/LISTEN_FDS do not name this process") }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        return 3
    }

    private static func userID(_ name: String) throws(ListenSocketError) -> uid_t {
        if let numeric = uid_t(name) { return numeric }
        guard let entry = getpwnam(name) else { throw ListenSocketError(description: "unknown socket owner: \(name)") }
        return entry.pointee.pw_uid
    }

    private static func groupID(_ name: String) throws(ListenSocketError) -> gid_t {
        if let numeric = gid_t(name) { return numeric }
        guard let entry = getgrnam(name) else { throw ListenSocketError(description: "unknown socket group: \(name)") }
        return entry.pointee.gr_gid
    }
}
