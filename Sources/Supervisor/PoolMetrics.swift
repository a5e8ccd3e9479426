import Glibc
import Metrics

/// The pool's gauges in the host's metrics table, stored by the supervisor on each tick (a few
/// stores five times a second), so that a worker answering a scrape can report them.
enum PoolMetrics {
    static func publish(_ children: Dictionary<pid_t, Child>.Values) {
        var workers = ["starting": 0, "idle": 0, "busy": 0, "leaving": 0]
        var threads = ["idle": 0, "busy": 0]
        for child in children where child.receivesRequests {
            let state = child.retiring ? "leaving" : !child.ready ? "starting" : child.busySince == nil ? "idle" : "busy"
            workers[state, default: 0] += 1
            guard child.ready, !child.retiring else { continue }
            let busy = child.threads.filter { $0.busySince != nil }.count
            threads["busy", default: 0] += busy
            threads["idle", default: 0] += child.threads.count - busy
        }
        Metrics.poolState(workers: workers.map { ($0.key, $0.value) }, threads: threads.map { ($0.key, $0.value) })
    }
}
