import Glibc
import CSystemShims
import Metrics
import OperatingSystem

/// The master process: keeps a fixed pool of children alive, the way PHP-FPM and nginx's
/// master do. Single-threaded; everything happens in one loop that waits on a signal
/// self-pipe and, a few times a second, reads the children's scoreboard slots.
///
/// - a child that dies is respawned: at once when it was healthy and killed from outside,
///   with backoff when it keeps dying young on its own (a crash loop);
/// - a worker busy with one request past the time limit is killed (and respawned);
/// - SIGTERM/SIGINT: graceful stop (children finish in-flight requests; a second signal kills);
/// - SIGHUP: graceful reload (a new generation starts with fresh settings and binary, the old
///   one is asked to leave once the new workers are ready, so no request is refused);
/// - SIGUSR1: the pool's state to the log;
/// - under systemd (`NOTIFY_SOCKET`): READY=1 once the workers answer, RELOADING=1 and READY=1
///   around a reload, STOPPING=1, and a STATUS= line whenever the pool's counts change.
public final class Supervisor {
    public typealias Reloader = () throws -> SupervisorConfiguration

    private var configuration: SupervisorConfiguration
    private let listenDescriptor: Int32
    private let reloader: Reloader
    private let log: (String) -> Void
    private var spawner: ProcessSpawner

    private var children: [pid_t: Child] = [:]
    private var slots: [Slot: Backoff] = [:]
    private var respawnAt: [Slot: Double] = [:]
    private var generation = 0
    private var stopDeadline: Double?
    private var retirement: (generation: Int, deadline: Double)?
    private var statistics = PoolStatistics()
    private var lastStatusWrite = 0.0
    private var notifier = SystemdNotifier(socketPath: getenv(SystemdNotifier.socketVariable).map { String(cString: $0) })
    /// Set until the current generation's workers all answer (at start and after each reload).
    private var awaitingReady = true

    public init(configuration: SupervisorConfiguration, listenDescriptor: Int32,
                reloader: @escaping Reloader, log: @escaping (String) -> Void) {
        self.configuration = configuration
        self.listenDescriptor = listenDescriptor
        self.reloader = reloader
        self.log = log
        self.spawner = Self.spawner(for: configuration)
    }

    /// Children never see NOTIFY_SOCKET: only the supervisor speaks for the service.
    private static func spawner(for configuration: SupervisorConfiguration) -> ProcessSpawner {
        ProcessSpawner(executablePath: configuration.executablePath,
                       environment: configuration.environment.filter { !$0.hasPrefix(SystemdNotifier.socketVariable + "=") })
    }

    /// Runs until stopped; returns the process exit code.
    public func run() -> Int32 {
        let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1]
        let signalDescriptor = signals.withUnsafeBufferPointer { nv_signals_install($0.baseAddress, Int32($0.count)) }
        guard signalDescriptor >= 0 else {
            log("supervisor: cannot install signal handlers")
            return 1
        }
        signal(SIGPIPE, SIG_IGN)
        statistics.startedAt = Double(time(nil))
        startGeneration()
        writeStatusIfDue(now: MonotonicClock.seconds())
        while !(stopDeadline != nil && children.isEmpty) {
            waitForEvents(signalDescriptor: signalDescriptor)
            reapChildren()
            let now = MonotonicClock.seconds()
            enforceRequestTimeouts(now: now)
            respawnDueSlots(now: now)
            finishRetirement(now: now)
            notifySystemd()
            PoolMetrics.publish(children.values)
            if let stopDeadline, now >= stopDeadline { killAll(signal: SIGKILL) }
            writeStatusIfDue(now: now)
        }
        writeStatusIfDue(now: .infinity)
        log("supervisor: stopped")
        return 0
    }

    // MARK: events

    /// Sleeps until a signal arrives or the next tick is due (5 per second: the resolution
    /// of request timeouts and of noticing that new workers are ready).
    private func waitForEvents(signalDescriptor: Int32) {
        var descriptor = pollfd(fd: signalDescriptor, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 200) > 0 { handleSignals(signalDescriptor) }
        for pid in children.keys {
            statistics.requestsServed += children[pid]?.refresh() ?? 0
        }
    }

    private func handleSignals(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return }
        for signal in buffer.prefix(count).map(Int32.init) {
            switch signal {
            case SIGTERM, SIGINT: beginStop()
            case SIGHUP: beginReload()
            case SIGUSR1: log(PoolStatus(children: Array(children.values), generation: generation, statistics: statistics).text)
            default: break  // SIGCHLD: reaped after every wake-up anyway
            }
        }
    }

    // MARK: the pool

    private func startGeneration() {
        for spec in configuration.children {
            for index in 0..<spec.count {
                let slot = Slot(spec: spec.name, index: index, generation: generation)
                slots[slot] = Backoff()
                spawn(slot)
            }
        }
    }

    private func spawn(_ slot: Slot) {
        guard let spec = configuration.children.first(where: { $0.name == slot.spec }) else { return }
        guard let scoreboard = Scoreboard.create() else {
            log("supervisor: cannot create a scoreboard slot: \(String(cString: strerror(errno)))")
            respawnAt[slot] = MonotonicClock.seconds() + 1
            return
        }
        do {
            let pid = try spawner.spawn(arguments: spec.arguments,
                                        listenDescriptor: spec.receivesListenSocket ? listenDescriptor : nil,
                                        scoreboardDescriptor: scoreboard.descriptor)
            children[pid] = Child(pid: pid, slot: slot, scoreboard: scoreboard,
                                  startedAt: MonotonicClock.seconds(), receivesRequests: spec.receivesListenSocket)
            statistics.spawned += 1
        } catch {
            scoreboard.release()
            log("supervisor: \(error)")
            scheduleRespawn(slot, cause: .diedOnItsOwn, lifetime: 0, servedRequests: false)
        }
    }

    private func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard var child = children.removeValue(forKey: pid) else { continue }
            statistics.requestsServed += child.refresh()
            child.scoreboard.release()
            let exit = ChildExit(status: status)
            let lifetime = MonotonicClock.seconds() - child.startedAt
            var delay: Double?
            if stopDeadline == nil, slots[child.slot] != nil {
                // A worker killed for a stuck request is replaced at once, like one killed from outside.
                delay = scheduleRespawn(child.slot, cause: child.killedForTimeout ? .finished : exit.cause,
                                        lifetime: lifetime, servedRequests: child.requests > 0)
                Metrics.poolRespawn()
                // A worker that left on its own with exit 0 while still in the pool was recycled.
                if child.receivesRequests, !exit.crashed, !child.retiring, !child.killedForTimeout { Metrics.poolRecycle() }
            }
            if exit.crashed, !child.retiring, stopDeadline == nil {
                statistics.crashes += 1
                let reason = child.killedForTimeout ? "stuck in a request, killed" : exit.description
                let respawn = delay.map { $0 == 0 ? "; respawning at once" : "; respawning in \($0) s (backoff)" } ?? ""
                log("supervisor: \(child.slot.spec) \(pid) \(reason) after \(Int(lifetime)) s, \(child.requests) requests\(respawn)")
            }
        }
    }

    @discardableResult
    private func scheduleRespawn(_ slot: Slot, cause: ChildExit.Cause, lifetime: Double, servedRequests: Bool) -> Double {
        let delay = slots[slot]?.recordExit(cause, lifetimeSeconds: lifetime, servedRequests: servedRequests) ?? 0
        respawnAt[slot] = MonotonicClock.seconds() + delay
        return delay
    }

    private func respawnDueSlots(now: Double) {
        for (slot, due) in respawnAt where due <= now {
            respawnAt[slot] = nil
            if stopDeadline == nil, slots[slot] != nil { spawn(slot) }
        }
    }

    /// A thread cannot be stopped alone, so one stuck past the limit dooms its process. To lose
    /// little else, the process is first asked to stop (it accepts nothing more; its other
    /// threads finish their requests), then killed as soon as only stuck threads are busy, or
    /// after `stuckDrainSeconds` at most.
    private func enforceRequestTimeouts(now: Double) {
        let limit = configuration.requestTimeoutSeconds
        guard limit > 0 else { return }
        for (pid, child) in children {
            if let stuckSince = child.stuckSince {
                let othersBusy = child.threads.contains { thread in thread.busySince.map { now - $0 <= limit } ?? false }
                if !othersBusy || now - stuckSince >= Self.stuckDrainSeconds { kill(pid, SIGKILL) }
                continue
            }
            guard let since = child.busySince, now - since > limit else { continue }
            children[pid]?.stuckSince = now
            statistics.killedForTimeout += 1
            Metrics.poolTimeout()
            log("supervisor: worker \(pid) busy with one request for more than \(Int(limit)) s: killing it once its other requests finish")
            kill(pid, SIGTERM)
        }
    }

    private static let stuckDrainSeconds = 5.0

    // MARK: stop and reload

    private func beginStop() {
        if stopDeadline != nil {
            log("supervisor: second stop signal: killing the children now")
            killAll(signal: SIGKILL)
            return
        }
        log("supervisor: stopping gracefully (in-flight requests finish)")
        notifier.stopping()
        stopDeadline = MonotonicClock.seconds() + configuration.gracefulStopSeconds
        slots.removeAll()
        respawnAt.removeAll()
        killAll(signal: SIGTERM)
    }

    private func beginReload() {
        guard stopDeadline == nil else { return }
        notifier.reloading()
        let fresh: SupervisorConfiguration
        do {
            fresh = try reloader()
        } catch {
            log("supervisor: reload refused, keeping the running configuration: \(error)")
            notifier.ready()  // the reload is over: the running pool carries on
            return
        }
        log("supervisor: reloading: starting generation \(generation + 1)")
        configuration = fresh
        spawner = Self.spawner(for: fresh)
        awaitingReady = true
        let previous = generation
        generation += 1
        slots = slots.filter { $0.key.generation == generation }
        respawnAt = respawnAt.filter { $0.key.generation == generation }
        retirement = (previous, MonotonicClock.seconds() + fresh.reloadReadyTimeoutSeconds)
        startGeneration()
        statistics.reloads += 1
    }

    /// Old workers leave only once every new worker said it is ready (or the wait ran out):
    /// until then both generations accept connections, so the switch refuses nothing.
    private func finishRetirement(now: Double) {
        guard let pending = retirement else { return }
        guard currentWorkersReady || now >= pending.deadline else { return }
        retirement = nil
        for (pid, child) in children where child.slot.generation <= pending.generation && !child.retiring {
            children[pid]?.retiring = true
            kill(pid, SIGTERM)
        }
        log("supervisor: generation \(generation) serving; previous generation leaving")
    }

    private var currentWorkers: [Child] {
        children.values.filter { $0.slot.generation == generation && $0.receivesRequests && !$0.retiring }
    }

    private var expectedWorkers: Int {
        configuration.children.filter(\.receivesListenSocket).reduce(0) { $0 + $1.count }
    }

    /// Every worker of the current generation is running and said it is ready.
    private var currentWorkersReady: Bool {
        let fresh = currentWorkers
        return fresh.count >= expectedWorkers && fresh.allSatisfy(\.ready)
    }

    /// READY=1 once the current generation answers and the previous one was asked to leave;
    /// STATUS= with the pool's counts, sent only when they change (never per request).
    private func notifySystemd() {
        guard notifier.isEnabled, stopDeadline == nil else { return }
        let leaving = children.values.filter(\.retiring).count
        let status = "generation \(generation): \(currentWorkers.filter(\.ready).count) of \(expectedWorkers) workers ready, "
            + "\(leaving) leaving; \(statistics.crashes) crashes, \(statistics.killedForTimeout) killed for timeout, "
            + "\(statistics.reloads) reloads"
        if awaitingReady, retirement == nil, currentWorkersReady {
            awaitingReady = false
            notifier.ready(status: status)
        } else {
            notifier.status(status)
        }
    }

    private func killAll(signal: Int32) {
        for (pid, _) in children {
            children[pid]?.retiring = true
            kill(pid, signal)
        }
    }

    private func writeStatusIfDue(now: Double) {
        guard let path = configuration.statusFile, now - lastStatusWrite >= 1 else { return }
        lastStatusWrite = now
        PoolStatus(children: Array(children.values), generation: generation, statistics: statistics).write(to: path)
    }
}
