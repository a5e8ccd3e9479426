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
        let publisher = DeviceStatusPublisher(services: child.services)
        child.link.markReady()
        repeat {
            monitor.runRound()
        } while !publisher.wait(untilStop: child.stopDescriptor, seconds: monitor.intervalSeconds)
        monitor.stop()
        return 0
    }
}
