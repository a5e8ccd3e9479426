import Glibc
import CSharedMemory

/// Fixed-window hit counters shared by every worker of this host (`nv_host_counters`, one
/// shared-memory table that `serve` creates and every worker it starts maps), for limits
/// that must not cost a database write per call. They are per host, like nginx's own
/// `limit_req` zones: behind a load balancer spreading over N hosts, a client can make up to
/// N times the limit. Windows are aligned to the clock (minute 0-59, and so on).
public final class HostCounters: @unchecked Sendable {
    /// Names the table's inherited descriptor in a worker's environment.
    public static let descriptorVariable = "NEXUS_HOST_COUNTERS_FD"

    private let table: UnsafeMutablePointer<nv_host_counters>

    /// For `serve`: a new table, and the environment entry that hands it to its children.
    public static func createForChildren() -> String? {
        let descriptor = nv_host_counters_create()
        guard descriptor >= 0 else { return nil }
        return "\(descriptorVariable)=\(descriptor)"
    }

    /// The table `serve` handed down; a process started otherwise (by hand, under spawn-fcgi)
    /// counts in a private table of its own.
    public init() {
        let inherited = getenv(Self.descriptorVariable).flatMap { Int32(String(cString: $0)) }
        if let inherited, let mapped = nv_host_counters_map(inherited) {
            table = mapped
        } else {
            let own = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<nv_host_counters>.size,
                                                       alignment: MemoryLayout<nv_host_counters>.alignment)
            own.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<nv_host_counters>.size)
            table = own.bindMemory(to: nv_host_counters.self, capacity: 1)
        }
    }

    /// Counts one hit of `bucket` in the current window of `windowSeconds`; returns the hits in
    /// that window so far and the seconds until it ends.
    func hit(_ bucket: String, windowSeconds: Int) -> (hits: Int, secondsLeft: Int) {
        let now = Int(time(nil))
        let hits = nv_host_counters_hit(table, Self.key(bucket), UInt32(truncatingIfNeeded: now / windowSeconds))
        return (Int(hits), windowSeconds - now % windowSeconds)
    }

    /// FNV-1a: two buckets that collide share one count (stricter, never looser).
    private static func key(_ bucket: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bucket.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// A limit of `limit` calls per bucket and window, counted in the host's shared memory.
public struct HostRateLimit: Sendable {
    public let counters: HostCounters
    public let limit: Int
    public let windowSeconds: Int

    public init(counters: HostCounters, limit: Int, windowSeconds: Int) {
        self.counters = counters
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Counts one call; the seconds to wait when it went over the limit, nil when within.
    public func hit(_ bucket: String) -> Int? {
        let (hits, secondsLeft) = counters.hit(bucket, windowSeconds: windowSeconds)
        return hits > limit ? max(1, secondsLeft) : nil
    }
}
