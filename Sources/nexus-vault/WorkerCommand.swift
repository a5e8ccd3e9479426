#if canImport(Glibc)
import Glibc
#endif
import CShims
import FastCGI
import Gateway
import Supervisor

/// `worker`: one FastCGI worker process. Started by `serve` with the listen socket as fd 0;
/// also usable on its own under spawn-fcgi or systemd socket activation.
enum WorkerCommand {
    static func run(_ options: Options) throws -> Int32 {
        let link = WorkerLink()
        let logger = Logger(component: "worker")
        let settings = try options.loadSettings()
        let services = try Services(settings: settings, logger: logger)
        let stopSignals: [Int32] = [SIGTERM, SIGINT]
        let stopDescriptor = stopSignals.withUnsafeBufferPointer { nv_signals_install($0.baseAddress, Int32($0.count)) }
        guard stopDescriptor >= 0 else { throw UsageError("cannot install signal handlers") }
        signal(SIGHUP, SIG_IGN)  // reload is the supervisor's business
        signal(SIGPIPE, SIG_IGN)
        _ = services.database.ping()  // connect now, so the first request does not pay for it
        let router = GatewayRouter(services: services, functions: GatewayFunctions.all(services: services))
        let worker = FastCGIWorker(listenDescriptor: 0, stopDescriptor: stopDescriptor,
                                   limits: .init(maxBodyBytes: 64 * 1024, maxRequests: settings.pool.maxRequestsPerWorker))
        link.markReady()
        let exit = worker.run(responder: router, events: .init(requestStarted: link.requestStarted,
                                                                requestFinished: link.requestFinished))
        switch exit {
        case .stopRequested, .recycled: return 0
        case .listenSocketFailed(let code):
            logger.error("listen socket failed", [("errno", .int(Int(code)))])
            return ExitCode.unavailable
        }
    }
}
