import Glibc
import Gateway
import JWT
import Postgres
import OperatingSystem

/// The operator's one-shot commands. Each prints its result on stdout, errors on stderr.
enum AdminCommands {
    static func migrate(_ options: Options) throws {
        let settings = try options.loadSettings()
        let connection = DatabaseConnection(conninfo: settings.databaseURL,
                                            settings: DatabaseConnectionSettings(connectTimeoutSeconds: settings.databaseConnectTimeoutSeconds))
        try connection.connect()
        defer { connection.close() }
        let applied = try Migrator(connection: connection, directory: settings.migrationsDirectory).migrate { print($0) }
        print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.count)")
    }

    static func configCheck(_ options: Options) throws {
        let settings = try options.loadSettings()
        for (name, value) in settings.summary.sorted(by: { $0.name < $1.name }) { print("\(name)=\(value)") }
        print("settings: ok")
    }

    static func status(_ options: Options) throws {
        let settings = try options.loadSettings()
        guard let path = settings.pool.statusFile else { throw UsageError("STATUS_FILE is not set, so serve writes no status") }
        guard let text = try? FileReader.text(at: path) else { throw UsageError("no status at \(path): is serve running?") }
        print(text, terminator: "")
    }

    static func createOrganization(_ options: Options) throws {
        let name = try options.required("--name")
        print(try Administration(settings: options.loadSettings()).createOrganization(name: name))
    }

    static func createUser(_ options: Options) throws {
        let (org, role, name) = (try options.required("--org"), try options.required("--role"), try options.required("--name"))
        print(try Administration(settings: options.loadSettings()).createUser(organizationID: org, role: role, fullName: name))
    }

    static func storeTailscaleKey(_ options: Options) throws {
        let org = try options.required("--org")
        let key = try tailscaleKey(options)
        let tags = options["--tags"].map(TailscaleTag.list) ?? OrganizationTailscaleConfig.defaultTags
        print(try Administration(settings: options.loadSettings()).storeTailscaleKey(organizationID: org, key: key, tags: tags))
    }

    /// The auth key from `--key-file FILE`, or else from standard input: never from the command
    /// line, where every local user can read it in /proc/PID/cmdline and shells keep it in
    /// their history.
    private static func tailscaleKey(_ options: Options) throws -> String {
        if options["--key"] != nil {
            throw UsageError("--key is refused: a key in the command line is visible to every local user (/proc/*/cmdline) "
                + "and stays in shell history; pass it on standard input or with --key-file FILE")
        }
        let source = options["--key-file"] ?? "/dev/stdin"
        if options["--key-file"] == nil, isatty(0) == 1 { fputs("reading the auth key from standard input (end with Ctrl-D)\n", stderr) }
        let text: String
        do { text = try FileReader.text(at: source, limit: 4096) } catch { throw UsageError("cannot read the auth key from \(source)") }
        let words = text.split { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        guard words.count == 1 else { throw UsageError("expected exactly one auth key in \(source)") }
        return String(words[0])
    }

    static func token(_ options: Options) throws {
        guard let role = JWTRole(rawValue: options["--role"] ?? "authenticated") else {
            throw UsageError("--role must be authenticated, anon or service_role")
        }
        if role == .authenticated, options["--user"] == nil { throw UsageError("--user is required for a user token") }
        guard let ttl = Int(options["--ttl"] ?? "3600"), ttl > 0, ttl <= 10 * 365 * 86400 else {
            throw UsageError("--ttl must be a number of seconds")
        }
        print(try Administration.token(settings: options.loadSettings(), userID: options["--user"], role: role,
                                       ttlSeconds: ttl, now: Int(time(nil))))
    }
}
