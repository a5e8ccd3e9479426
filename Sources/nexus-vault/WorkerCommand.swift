import FastCGI
import Gateway
import OperatingSystem
import Supervisor

/// `worker`: one FastCGI worker process of `WORKER_THREADS` request threads. Started by
/// `serve` with the listen socket as fd 0; also usable on its own under spawn-fcgi or systemd
/// socket activation.
enum WorkerCommand {
    static func run(_ options: Options) throws -> Int32 {
        let child = try ChildProcess(component: "worker", options: options)
        let (link, services, settings) = (child.link, child.services, child.settings)
        _ = services.database.ping()  // connect now, so the first request does not pay for it
        let router = GatewayRouter(services: services, functions: GatewayFunctions.all)
        let threads = min(settings.pool.threadsPerWorker, WorkerLink.maximumThreads)
        let worker = FastCGIWorker(listenDescriptor: 0, stopDescriptor: child.stopDescriptor,
                                   limits: .init(maxBodyBytes: 64 * 1024, maxRequests: settings.pool.maxRequestsPerWorker,
                                                 threads: threads))
        link.markReady(threads: threads)
        let exit = worker.run(responder: router, events: .init(requestStarted: link.requestStarted(thread:),
                                                                requestFinished: link.requestFinished(thread:),
                                                                everySecond: { router.flushLogs(); FreeMemory.returnToTheKernel() }))
        router.flushLogs()
        switch exit {
        case .stopRequested, .recycled: return 0
        case .listenSocketFailed(let code):
            child.logger.error("listen socket failed", [("errno", .int(Int(code)))])
            return ExitCode.unavailable
        }
    }
}
