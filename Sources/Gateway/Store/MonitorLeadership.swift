import Postgres

/// Which of the service's monitors works: the one whose dedicated session holds a
/// session-level advisory lock. When its process dies, PostgreSQL ends the session and frees
/// the lock, and the next monitor to try takes it.
public final class MonitorLeadership {
    private let connection: DatabaseConnection
    public private(set) var isLeader = false

    static let tryLockSQL = "SELECT pg_try_advisory_lock($1) AS locked"

    public init(conninfo: String, connectTimeoutSeconds: Int) {
        connection = DatabaseConnection(conninfo: conninfo,
                                        settings: DatabaseConnectionSettings(connectTimeoutSeconds: connectTimeoutSeconds))
    }

    /// Whether this process leads now: confirms a held lock's session is still alive (a lost
    /// session lost the lock with it), else tries to take the lock.
    public func claim() -> Bool {
        if isLeader {
            if (try? connection.execute("SELECT 1")) != nil { return true }
            isLeader = false
        }
        do {
            if !connection.isConnected { try connection.connect() }
            isLeader = try StoreError.onlyRow(of: connection.query(Self.tryLockSQL, [AdvisoryLockKey.monitorLeader])).requiredBool("locked")
        } catch {
            isLeader = false
        }
        return isLeader
    }

    /// Hands the lock over at once (on a clean stop), instead of when the session times out.
    public func resign() {
        connection.close()
        isLeader = false
    }
}
