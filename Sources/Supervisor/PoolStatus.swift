import Glibc
import JSON
import OperatingSystem

struct PoolStatistics {
    var startedAt = 0.0
    var spawned = 0
    var crashes = 0
    var killedForTimeout = 0
    var reloads = 0
    var requestsServed = 0
}

/// The pool's state, written atomically to a JSON file (PHP-FPM's status page, as a file:
/// no extra listening port, readable by `nexus-vault status` and by monitoring agents).
struct PoolStatus {
    let children: [Child]
    let generation: Int
    let statistics: PoolStatistics

    var document: JSONValue {
        let now = MonotonicClock.seconds()
        let rows: [JSONValue] = children.sorted { ($0.slot.spec, $0.slot.index) < ($1.slot.spec, $1.slot.index) }.map { child in
            let state = child.retiring ? "leaving" : !child.ready ? "starting" : child.busySince == nil ? "idle" : "busy"
            return [
                "pid": .int(Int(child.pid)), "role": .string(child.slot.spec), "generation": .int(child.slot.generation),
                "state": .string(state), "requests": .int(child.requests), "uptime_seconds": .int(Int(now - child.startedAt)),
                "busy_seconds": Self.busySeconds(child.busySince, now: now),
                "threads": .array(child.threads.map { thread in
                    ["requests": .int(thread.requests), "busy_seconds": Self.busySeconds(thread.busySince, now: now)]
                }),
            ]
        }
        return [
            "supervisor_pid": .int(Int(getpid())), "generation": .int(generation),
            "started_at": .int(Int(statistics.startedAt)), "written_at": .int(Int(time(nil))),
            "spawned": .int(statistics.spawned), "crashes": .int(statistics.crashes),
            "killed_for_timeout": .int(statistics.killedForTimeout), "reloads": .int(statistics.reloads),
            "requests_served": .int(statistics.requestsServed), "children": .array(rows),
        ]
    }

    private static func busySeconds(_ since: Double?, now: Double) -> JSONValue {
        since.map { .double(((now - $0) * 1000).rounded() / 1000) } ?? .null
    }

    var text: String { "supervisor: pool status " + document.serialized() }

    func write(to path: String) {
        let temporary = path + ".tmp"
        let bytes = Array((document.serialized() + "\n").utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == bytes.count { rename(temporary, path) } else { unlink(temporary) }
    }
}
