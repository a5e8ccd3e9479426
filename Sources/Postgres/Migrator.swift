/// Applies the SQL files of a migrations directory, in name order, each exactly once.
public struct Migrator {
    /// Fixed key ("nexusmig") of the session advisory lock that serializes hosts migrating the
    /// same database at once; the second one waits, then finds nothing left to apply.
    static let advisoryLockKey: Int64 = 0x6e65_7875_736d_6967

    private static let createHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name text PRIMARY KEY,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    private let connection: DatabaseConnection
    private let directory: String

    public init(connection: DatabaseConnection, directory: String) {
        self.connection = connection
        self.directory = directory
    }

    /// The directory's `*.sql` files, sorted by name.
    public static func load(directory: String) throws(MigrationError) -> [Migration] {
        var migrations: [Migration] = []
        for name in try MigrationDirectory.sqlFileNames(in: directory) {
            let sql = try MigrationDirectory.contents(of: directory + "/" + name, name: name)
            migrations.append(Migration(name: name, sql: sql))
        }
        return migrations
    }

    /// Applies every file not yet recorded, each in its own transaction together with its
    /// record, so a failure leaves neither half. Verifies first that no recorded file changed.
    /// Returns the names applied by this call.
    public func migrate(log: (String) -> Void) throws -> [String] {
        let migrations = try Self.load(directory: directory)
        if migrations.isEmpty { log("no migration files in \(directory)") }

        // Migrating a large database, or waiting for another host's lock, may take longer than
        // the request path's statement timeout; RESET restores the connection's own setting.
        try connection.execute("SET statement_timeout = 0")
        defer { try? connection.execute("RESET statement_timeout") }
        try connection.query("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey]) }

        try connection.execute(Self.createHistoryTable)
        let recorded = try recordedChecksums()
        for migration in migrations {
            if let checksum = recorded[migration.name], checksum != migration.checksum {
                throw MigrationError.changedAfterApply(migration.name)
            }
        }

        var appliedNow: [String] = []
        for migration in migrations where recorded[migration.name] == nil {
            log("applying migration \(migration.name)")
            try apply(migration)
            appliedNow.append(migration.name)
        }
        log(appliedNow.isEmpty ? "schema is up to date" : "applied \(appliedNow.count) migration(s)")
        return appliedNow
    }

    private func recordedChecksums() throws(DatabaseError) -> [String: String] {
        var checksums: [String: String] = [:]
        for row in try connection.query("SELECT name, checksum FROM schema_migrations").rows {
            if let name = row["name"] { checksums[name] = row["checksum"] }
        }
        return checksums
    }

    private func apply(_ migration: Migration) throws {
        do {
            try connection.transaction { connection in
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                    [migration.name, migration.checksum]
                )
            }
        } catch let error as DatabaseError {
            throw MigrationError.failed(migration.name, error.message)
        }
    }
}
