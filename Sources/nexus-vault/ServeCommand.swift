import Glibc
import Gateway
import Metrics
import Supervisor

/// `serve`: binds the listen socket once, then keeps the worker pool (and the device
/// monitor) running under the supervisor until SIGTERM/SIGINT.
enum ServeCommand {
    static func run(_ options: Options) throws -> Int32 {
        let settings = try options.loadSettings()
        let logger = ServiceLog(component: "supervisor")
        let address = try listenAddress(settings.pool)
        let descriptor = try ListenSocket.open(address)
        defer { ListenSocket.cleanUp(address) }
        // Resolved now: after a binary upgrade the path names the new file, which a reload starts.
        let executable = executablePath()
        // One metrics table for the supervisor and every child of every generation.
        guard MetricsTable.createForChildren() else { throw UsageError("cannot create the metrics table") }
        // One table of per-host counters for every worker of every generation.
        guard let hostCounters = HostCounters.createForChildren() else { throw UsageError("cannot create the host counters") }
        let inherited = ProcessEnvironment.list()
        let environment = inherited.filter {
            !$0.hasPrefix(WorkerLink.supervisorPIDVariable + "=") && !$0.hasPrefix(HostCounters.descriptorVariable + "=")
        } + ["\(WorkerLink.supervisorPIDVariable)=\(getpid())", hostCounters] + libraryDefaults(inherited)
        let envFileArguments = options.envFile.map { ["--env-file", $0] } ?? []
        func configuration(_ settings: Settings) -> SupervisorConfiguration {
            var children = [ChildSpec(name: "worker", arguments: ["worker"] + envFileArguments,
                                      count: settings.pool.workers, receivesListenSocket: true)]
            if settings.monitor.enabled {
                children.append(ChildSpec(name: "monitor", arguments: ["monitor"] + envFileArguments, count: 1, receivesListenSocket: false))
            }
            return SupervisorConfiguration(
                executablePath: executable, environment: environment, children: children,
                requestTimeoutSeconds: Double(settings.pool.requestTimeoutSeconds),
                gracefulStopSeconds: Double(settings.pool.gracefulStopSeconds), statusFile: settings.pool.statusFile)
        }
        logger.info("starting", [("listen", .string(settings.pool.listen)), ("workers", .int(settings.pool.workers))])
        let supervisor = Supervisor(configuration: configuration(settings), listenDescriptor: descriptor,
                                    reloader: { configuration(try options.loadSettings()) },
                                    log: { logger.info($0) })
        return supervisor.run()
    }

    /// Settings for the children's libraries, each unless the operator set that variable:
    ///
    /// - `GNUTLS_NO_IMPLICIT_INIT=1`. GnuTLS comes in with libpq's and libcurl's LDAP and RTMP
    ///   libraries, none of which the service uses (libpq and libcurl speak TLS through
    ///   OpenSSL, libcurl only http and https), yet it initializes itself on load: priorities,
    ///   p11-kit, its ASN.1 trees. Skipping that made each child about 0.85 MiB smaller (VmRSS,
    ///   18.2 -> 17.4 MiB for an idle worker). A library that does use GnuTLS (libldap, for an
    ///   LDAP service lookup) initializes it explicitly.
    /// - `GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.arena_max=4`. glibc keeps up
    ///   to 7 freed blocks of each small size in a cache per thread, which no `malloc_trim`
    ///   reaches; over 32 request threads that held about 1.2 MiB of a busy worker (the largest
    ///   worker after every scenario 20.4-20.5 -> 19.2-19.3 MiB VmRSS, measured). And glibc
    ///   gives threads up to 8 arenas per core, each keeping its own partly used pages: with 4
    ///   shared by the 32 request threads, which spend most of a request waiting on PostgreSQL,
    ///   a busy worker held 0.5-0.6 MiB fewer arena pages (18.0-18.7 against 19.3-19.4 MiB
    ///   VmRSS, two pairs of runs) at no CPU cost that five alternating rounds could see. An
    ///   operator who sets GLIBC_TUNABLES sets all of it.
    static func libraryDefaults(_ inherited: [String]) -> [String] {
        let defaults = ["GNUTLS_NO_IMPLICIT_INIT=1", "GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.arena_max=4"]
        return defaults.filter { setting in
            let name = setting.prefix { $0 != "=" } + "="
            return !inherited.contains { $0.hasPrefix(name) }
        }
    }

    static func listenAddress(_ pool: Settings.Pool) throws -> ListenAddress {
        if pool.listen == "systemd" { return .systemd }
        if pool.listen.hasPrefix("unix:") {
            return .unix(path: String(pool.listen.dropFirst(5)), owner: pool.socketOwner, group: pool.socketGroup, mode: pool.socketMode)
        }
        let parts = pool.listen.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw UsageError("bad FCGI_LISTEN \(pool.listen)") }
        return .tcp(host: String(parts[0]), port: port)
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
