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
}
