import Glibc

/// The request threads of one worker process (plain pthreads: the package does not load
/// Swift Concurrency). Signals stay with the thread that started them, which waits on the
/// signal self-pipe: a request thread is never interrupted inside libfcgi's reads and writes,
/// which do not retry on EINTR.
struct RequestThreads {
    private var threads: [pthread_t] = []
    /// errno of the first thread that could not start.
    private(set) var error: Int32 = 0
    var started: Int { threads.count }

    static func start(count: Int, body: @escaping (Int) -> Void) -> RequestThreads {
        var group = RequestThreads()
        var blocked = sigset_t()
        var previous = sigset_t()
        sigfillset(&blocked)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        for index in 0..<count {
            let context = Unmanaged.passRetained(Start(index: index, body: body)).toOpaque()
            var thread = pthread_t()
            let code = pthread_create(&thread, nil, { context in
                let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
                start.body(start.index)
                return nil
            }, context)
            guard code == 0 else {
                Unmanaged<Start>.fromOpaque(context).release()
                group.error = code
                break
            }
            group.threads.append(thread)
        }
        return group
    }

    func join() {
        for thread in threads { pthread_join(thread, nil) }
    }

    private final class Start {
        let index: Int
        let body: (Int) -> Void
        init(index: Int, body: @escaping (Int) -> Void) {
            self.index = index
            self.body = body
        }
    }
}
