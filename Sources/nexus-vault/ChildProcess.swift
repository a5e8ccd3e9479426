import Glibc
import CSystemShims
import Gateway
import Supervisor

/// What every child of `serve` (a worker, the monitor) sets up first: its link to the
/// supervisor, its settings and services, and a descriptor that turns readable on SIGTERM or
/// SIGINT (the self-pipe, so that a stop is seen between requests or rounds, never mid-way).
struct ChildProcess {
    let link: WorkerLink
    let logger: ServiceLog
    let settings: Settings
    let services: Services
    let stopDescriptor: Int32

    init(component: String, options: Options) throws {
        Self.keepLargeBlocksMapped()
        link = WorkerLink()
        logger = ServiceLog(component: component)
        settings = try options.loadSettings()
        services = try Services(settings: settings, logger: logger)
        let stopSignals: [Int32] = [SIGTERM, SIGINT]
        stopDescriptor = stopSignals.withUnsafeBufferPointer { nv_signals_install($0.baseAddress, Int32($0.count)) }
        guard stopDescriptor >= 0 else { throw UsageError("cannot install signal handlers") }
        signal(SIGHUP, SIG_IGN)  // reload is the supervisor's business
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks of 128 KiB and more (a sync's device list and its records for the database) get
    /// mappings of their own, unmapped when freed. glibc's default raises that threshold to the
    /// size of each large block freed, so after the first sync the next one's buffers came from
    /// an arena, among small blocks that kept its pages in use: a worker that refreshed the
    /// inventory stayed 3-4 MiB larger after each refresh. Request bodies are 64 KiB at most,
    /// so no request pays for a mapping.
    private static func keepLargeBlocksMapped() {
        _ = nv_fix_mmap_threshold(128 * 1024)
    }
}
