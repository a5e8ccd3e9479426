import Glibc

/// Starts a child by spawning an executable (never by forking a process that may have
/// threads). The child gets the listen socket as fd 0 and its scoreboard slot as fd 3.
struct ProcessSpawner {
    let executablePath: String
    let environment: [String]

    struct SpawnError: Error, CustomStringConvertible { let description: String }

    /// Signals the supervisor handles: a child must start with their default behaviour.
    static let handledSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE, SIGUSR1, SIGUSR2, SIGQUIT]

    func spawn(arguments: [String], listenDescriptor: Int32?, scoreboardDescriptor: Int32) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let listenDescriptor {
            posix_spawn_file_actions_adddup2(&actions, listenDescriptor, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, scoreboardDescriptor, WorkerLink.scoreboardDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.handledSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        // Own process group: a terminal's Ctrl-C reaches the supervisor only, which then stops
        // the children in order instead of all of them racing.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([executablePath] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executablePath, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(executablePath): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
