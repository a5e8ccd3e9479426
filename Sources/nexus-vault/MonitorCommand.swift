#if canImport(Glibc)
import Glibc
#endif
import CShims
import Gateway
import Supervisor

/// `monitor`: the device monitor process. `serve` runs one (unless MONITOR_ENABLED=false) and
/// respawns it like a worker; several hosts may each run one, and the database decides which
/// one works. SIGTERM or SIGINT stops it between rounds.
enum MonitorCommand {
    static let isAvailable = true

    static func run(_ options: Options) throws -> Int32 {
        let link = WorkerLink()
        let logger = Logger(component: "monitor")
        let settings = try options.loadSettings()
        let services = try Services(settings: settings, logger: logger)
        let stopSignals: [Int32] = [SIGTERM, SIGINT]
        let stopDescriptor = stopSignals.withUnsafeBufferPointer { nv_signals_install($0.baseAddress, Int32($0.count)) }
        guard stopDescriptor >= 0 else { throw UsageError("cannot install signal handlers") }
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let monitor = DeviceMonitor(services: services)
        if services.tailscale == nil { logger.warning("no Tailscale OAuth client configured: the monitor has nothing to sync") }
        link.markReady()
        repeat {
            monitor.runRound()
        } while !waitForStop(stopDescriptor, seconds: monitor.intervalSeconds)
        monitor.stop()
        return 0
    }

    /// Sleeps `seconds`, or less when a stop signal arrives; true when one did.
    private static func waitForStop(_ descriptor: Int32, seconds: Int) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, Int32(seconds * 1000))
        return ready > 0
    }
}
