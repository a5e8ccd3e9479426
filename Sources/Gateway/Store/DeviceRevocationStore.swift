import JSON
import Postgres

/// What is left to do upstream for one revoked device: the node to remove and the minted key
/// to revoke (either may be nil).
struct PendingRevocation: Equatable {
    let deviceID: String
    let nodeID: String?
    let keyID: String?
    let nodeAction: RevokedNodeAction
}

/// The SQL of revocation (`devices` and `device_revocations`): the status change with its
/// events and the record of the upstream part in one transaction; then each upstream attempt
/// and its outcome.
enum DeviceRevocationStore {
    /// The device as a revocation needs it, locked for the transaction.
    struct Target {
        let userID: String
        let organizationID: String?
        let name: String
        let status: DeviceStatus
        let nodeID: String?
        let keyID: String?
        /// Already revoked through this action: nil, or whether its upstream part is done.
        let upstreamCompleted: Bool?
    }

    static let lockSQL = """
        SELECT d.user_id::text AS user_id, d.organization_id::text AS organization_id, d.name, d.status,
               d.tailscale_device_id, d.tailscale_key_id, r.device_id IS NOT NULL AS recorded,
               r.completed_at IS NOT NULL AS completed
        FROM devices d LEFT JOIN device_revocations r ON r.device_id = d.id
        WHERE d.id = $1::uuid
        FOR UPDATE OF d
        """

    /// $1 device, $2 the revoking user (NULL for a service key), $3 node, $4 key, $5 what to do
    /// to the node (`REVOCATION_NODE_ACTION`, kept so a retry does the same). Clears every
    /// credential the row holds (the stored auth key, in its column or in the portal's
    /// metadata, and the enrollment token) and announces the status change.
    static let revokeSQL = """
        WITH old AS (
            SELECT id, status FROM devices WHERE id = $1::uuid
        ), updated AS (
            UPDATE devices d SET
                status = \(DeviceStatus.revoked.sql),
                tailscale_auth_key = NULL, enrollment_token = NULL, enrollment_token_hash = NULL,
                metadata = (coalesce(d.metadata, '{}'::jsonb) - 'tailscale_auth_key')
                    || jsonb_build_object('revoked_at', now(), 'revoked_by', $2::uuid)
            FROM old WHERE d.id = old.id
            RETURNING d.id, d.organization_id, d.status, old.status AS old_status
        ), flipped AS (
            SELECT * FROM updated WHERE status IS DISTINCT FROM old_status
        ), recorded AS (
            INSERT INTO device_revocations (device_id, node_id, key_id, node_action, requested_by)
            VALUES ($1::uuid, $3, $4, $5, $2::uuid)
        )
        SELECT \(DeviceStatusNotice.announcing("flipped")) AS announced
        """

    /// Counts one attempt; nil when the revocation is done already (by a concurrent attempt).
    static let claimSQL = """
        UPDATE device_revocations SET attempts = attempts + 1, last_attempt_at = now()
        WHERE device_id = $1::uuid AND completed_at IS NULL
        RETURNING attempts, node_id, key_id, node_action
        """

    static let completeSQL = "UPDATE device_revocations SET completed_at = now() WHERE device_id = $1::uuid"

    /// The pending revocations due for a retry, oldest first: after a failed attempt the next
    /// waits twice as long as the one before (from $1 seconds, at most an hour), so a long
    /// Tailscale outage costs a few events per device, not one per monitor round.
    static let dueSQL = """
        SELECT device_id::text AS device_id FROM device_revocations
        WHERE completed_at IS NULL
          AND (last_attempt_at IS NULL
               OR last_attempt_at < now() - make_interval(secs => least(3600, $1 * power(2, least(attempts - 1, 12)))))
        ORDER BY requested_at
        LIMIT $2
        """

    /// What revoking a device found.
    enum Revocation {
        /// Revoked now; its upstream part is still to do.
        case revoked
        /// Revoked before through this action: whether its upstream part is done.
        case revokedBefore(upstreamCompleted: Bool)
    }

    /// Locks the device and revokes it, with the history `authorize` gives for it, in one
    /// transaction; a device revoked before is left as it is. `authorize` sees the locked
    /// device first and throws to refuse (nothing is written then).
    /// `StoreError.deviceNotFound` when no device has this id.
    static func revoke(_ deviceID: String, by userID: String?, nodeAction: RevokedNodeAction, in database: Database,
                       authorize: (Target) throws -> ChangeRecord) throws -> Revocation {
        try database.withConnection { connection in
            try connection.transaction { connection in
                let target = try lock(deviceID, on: connection)
                let history = try authorize(target)
                if let completed = target.upstreamCompleted { return .revokedBefore(upstreamCompleted: completed) }
                try connection.query(revokeSQL, [
                    deviceID,             // $1
                    userID,               // $2
                    target.nodeID,        // $3
                    target.keyID,         // $4
                    nodeAction.rawValue,  // $5
                ])
                try HistoryStore.write(history, on: connection)
                return .revoked
            }
        }
    }

    private static func lock(_ deviceID: String, on connection: DatabaseConnection) throws -> Target {
        guard let row = try connection.query(lockSQL, [deviceID]).first else { throw StoreError.deviceNotFound }
        return Target(userID: try row.required("user_id"), organizationID: try row.value("organization_id"),
                      name: try row.required("name"), status: try DeviceStatus.parse(row.value("status")),
                      nodeID: try row.value("tailscale_device_id"), keyID: try row.value("tailscale_key_id"),
                      upstreamCompleted: try row.requiredBool("recorded") ? row.requiredBool("completed") : nil)
    }

    /// The attempt's number and what it has to do; nil when nothing is pending any more.
    static func claim(_ deviceID: String, in database: Database) throws -> (attempt: Int, work: PendingRevocation)? {
        try database.withConnection { connection in
            guard let row = try connection.query(claimSQL, [deviceID]).first else { return nil }
            guard let nodeAction = RevokedNodeAction(rawValue: try row.required("node_action")) else {
                throw StoreError.unexpectedValue(column: "node_action")
            }
            let work = PendingRevocation(deviceID: deviceID, nodeID: try row.value("node_id"), keyID: try row.value("key_id"),
                                         nodeAction: nodeAction)
            return (try row.requiredInt("attempts"), work)
        }
    }

    /// Records the attempt's outcome (its event; and the revocation done when it succeeded).
    static func finish(_ deviceID: String, completed: Bool, event: DeviceEvent, in database: Database) throws {
        try database.withConnection { connection in
            try connection.transaction { connection in
                if completed { try connection.query(completeSQL, [deviceID]) }
                try HistoryStore.write(ChangeRecord(deviceEvents: [event]), on: connection)
            }
        }
    }

    static func due(firstRetryAfterSeconds: Int, limit: Int, in database: Database) throws -> [String] {
        try database.query(dueSQL, [firstRetryAfterSeconds, limit]).rows.map { try $0.required("device_id") }
    }
}
