#if canImport(Glibc)
import Glibc
#endif
import Gateway

/// `monitor`: the device monitor process. `serve` runs one (unless MONITOR_ENABLED=false) and
/// respawns it like a worker; several hosts may each run one, and the database decides which
/// one works. SIGTERM or SIGINT stops it between rounds.
enum MonitorCommand {
    static func run(_ options: Options) throws -> Int32 {
        let child = try ChildProcess(component: "monitor", options: options)
        let monitor = DeviceMonitor(services: child.services)
        if child.services.tailscale == nil {
            child.logger.warning("no Tailscale OAuth client configured: the monitor has nothing to sync")
        }
        child.link.markReady()
        repeat {
            monitor.runRound()
        } while !waitForStop(child.stopDescriptor, seconds: monitor.intervalSeconds)
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
