import Glibc
import Gateway
import CurlHTTP

/// Exit codes of sysexits(3), which process managers understand.
enum ExitCode {
    static let usage: Int32 = 64
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let configuration: Int32 = 78
}

let usage = """
    usage: nexus-vault <command> [options]      (every command takes --env-file FILE)

    service
      serve                      supervisor: binds the FastCGI socket, runs the worker pool
      worker                     one FastCGI worker (fd 0 = listen socket; started by serve)
      monitor                    device monitor: syncs the tailnet, marks devices offline/online
      migrate                    applies migrations/ to DATABASE_URL
      config check               prints the effective settings, secrets masked
      status                     prints the pool status written by serve (STATUS_FILE)

    administration
      org create --name NAME                                  prints the organization id
      org tailscale-key --org ID [--key-file F] [--tags T1,T2]
                                                              stores an org's auth key (encrypted), read
                                                              from F or standard input
      user create --org ID --role ROLE --name NAME            prints the user id
      token --user ID [--role authenticated|anon|service_role] [--ttl SECONDS]
                                                              prints an HS256 JWT shaped like Supabase's
    """

func fail(_ message: String, code: Int32) -> Never {
    fputs("nexus-vault: \(message)\n", stderr)
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("a command is needed\n\n" + usage, code: ExitCode.usage) }
CurlLibrary.initialize()
do {
    let rest = arguments.dropFirst()
    switch command {
    case "serve": exit(try ServeCommand.run(Options(rest, allowed: ["--env-file"])))
    case "worker": exit(try WorkerCommand.run(Options(rest, allowed: ["--env-file"])))
    case "monitor": exit(try MonitorCommand.run(Options(rest, allowed: ["--env-file"])))
    case "migrate": try AdminCommands.migrate(Options(rest, allowed: ["--env-file"]))
    case "config" where rest.first == "check": try AdminCommands.configCheck(Options(rest.dropFirst(), allowed: ["--env-file"]))
    case "status": try AdminCommands.status(Options(rest, allowed: ["--env-file"]))
    case "org" where rest.first == "create":
        try AdminCommands.createOrganization(Options(rest.dropFirst(), allowed: ["--env-file", "--name"]))
    case "org" where rest.first == "tailscale-key":
        try AdminCommands.storeTailscaleKey(Options(rest.dropFirst(), allowed: ["--env-file", "--org", "--key-file", "--key", "--tags"]))
    case "user" where rest.first == "create":
        try AdminCommands.createUser(Options(rest.dropFirst(), allowed: ["--env-file", "--org", "--role", "--name"]))
    case "token": try AdminCommands.token(Options(rest, allowed: ["--env-file", "--user", "--role", "--ttl"]))
    case "help", "--help", "-h": print(usage)
    default: fail("unknown command \(command)\n\n" + usage, code: ExitCode.usage)
    }
} catch let error as UsageError {
    fail("\(error)\n\n" + usage, code: ExitCode.usage)
} catch let error as SettingsError {
    fail(error.description, code: ExitCode.configuration)
} catch {
    fail("\(error)", code: ExitCode.software)
}
