import JSON
import Postgres

/// The device's Tailscale columns: the auth key handed out for it, the state of its minted
/// key, and the link to the node that joined for it.
extension DeviceStore {
    // A minted key replaces what the device knew of an earlier one; the key is handed out now,
    // so the device is joining from now on. A static key leaves no key id ($6 NULL).
    static let storeAuthKeySQL = """
        UPDATE devices SET tailscale_auth_key = $2,
            metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object(
                'tailscale_key_expires', $3::text, 'tailscale_tags', $4::jsonb, 'tailscale_group', $5::text),
            tailscale_key_id = $6::text, tailscale_key_created_at = CASE WHEN $6 IS NOT NULL THEN coalesce(nullif($7, '')::timestamptz, now()) END,
            tailscale_key_expires_at = nullif($3, '')::timestamptz, tailscale_key_tags = CASE WHEN $6 IS NOT NULL THEN $8::text[] END,
            tailscale_key_issued_at = CASE WHEN $6 IS NOT NULL THEN now() END,
            tailscale_key_used_at = NULL, tailscale_key_checked_at = NULL
        WHERE id = $1::uuid
        """

    /// Stores a key handed out for the device (`generate-auth-key` with `deviceId`), with its
    /// history, in one transaction.
    /// - Parameter sealedKey: sealed for `.deviceAuthKey(deviceID:)`.
    static func storeAuthKey(_ sealedKey: String, minted: MintedKey?, expiresAt: String?, tags: [String], group: String,
                             onDevice deviceID: String, history: ChangeRecord, in database: Database) throws {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.query(storeAuthKeySQL, [
                    deviceID,                                            // $1
                    sealedKey,                                           // $2
                    expiresAt,                                           // $3
                    JSONValue.array(tags.map(JSONValue.string)).serialized(),  // $4
                    group,                                               // $5
                    minted?.id,                                          // $6
                    minted?.created,                                     // $7
                    minted?.tags,                                        // $8
                ])
                try HistoryStore.write(history, on: connection)
            }
        }
    }

    static let keysDueSQL = """
        SELECT id::text AS id, tailscale_key_id FROM devices
        WHERE status = \(DeviceStatus.pending.sql) AND tailscale_key_id IS NOT NULL AND tailscale_key_used_at IS NULL
          AND tailscale_key_issued_at IS NOT NULL AND coalesce(tailscale_key_expires_at, 'infinity') > now()
        ORDER BY tailscale_key_checked_at NULLS FIRST
        LIMIT $1
        """

    /// Joining devices whose own key is in a client's hands and not yet seen used, the least
    /// recently checked first.
    static func keysDue(limit: Int, in database: Database) throws -> [(deviceID: String, keyID: String)] {
        let rows = try database.query(keysDueSQL, [limit]).rows
        return try rows.map { row in (try row.required("id"), try row.required("tailscale_key_id")) }
    }

    static let recordKeyStatesSQL = """
        UPDATE devices d SET tailscale_key_checked_at = now(),
            tailscale_key_used_at = CASE WHEN r.used THEN now() END
        FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, used boolean)
        WHERE d.id = r.id AND d.tailscale_key_used_at IS NULL
        """

    /// Records what the API said of each device's key (checked now; used or not), in one statement.
    static func recordKeyStates(_ states: [(deviceID: String, used: Bool)], in database: Database) throws {
        let records = JSONValue.array(states.map { .object(JSONObject([("id", .string($0.deviceID)), ("used", .bool($0.used))])) })
        _ = try database.query(recordKeyStatesSQL, [records.serialized()])
    }

    // The enrollment is over once a node is linked: the token and the stored auth key are
    // cleared so that neither may be redeemed again.
    // `previous` locks the row and reads the status it had, which RETURNING (new values only)
    // cannot tell: a link that only raises the trust level or re-links the node is no status
    // change and is not announced. Under the lock, a concurrent link (two polls at once) waits,
    // then sees the committed row; the last condition of the UPDATE then makes it a no-op
    // without events or notices.
    static let linkSQL = """
        WITH previous AS (
            SELECT id, status FROM devices WHERE id = $1::uuid FOR UPDATE
        ), linked AS (
            UPDATE devices d SET status = \(DeviceStatus.active.sql), trust_level = \(TrustLevel.high.sql), enrolled_at = coalesce(d.enrolled_at, now()),
                last_seen = now(), tailscale_device_id = $2, tailscale_hostname = $3, tailscale_ip = $4,
                tailscale_online = true, tailscale_last_seen = now(),
                enrollment_token = NULL, enrollment_token_hash = NULL, tailscale_auth_key = NULL,
                metadata = coalesce(d.metadata, '{}'::jsonb) || jsonb_build_object(
                    'tailscale_device_id', $2::text, 'tailscale_hostname', $3::text, 'tailscale_ip', $4::text,
                    'tailscale_os', $5::text, 'tailscale_tags', $6::jsonb, 'tailscale_online', true,
                    'tailscale_last_seen', now())
            FROM previous p
            WHERE d.id = p.id AND d.status NOT IN \(DeviceStatus.retiredSQL)
              AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tailscale_device_id = $2 AND o.id <> d.id)
              AND (d.status <> \(DeviceStatus.active.sql) OR d.trust_level <> \(TrustLevel.high.sql) OR d.tailscale_device_id IS DISTINCT FROM $2
                   OR d.enrollment_token IS NOT NULL OR d.enrollment_token_hash IS NOT NULL OR d.tailscale_auth_key IS NOT NULL)
            RETURNING d.id, d.organization_id, d.status, p.status AS old_status
        ), activated AS (
            SELECT * FROM linked WHERE status IS DISTINCT FROM old_status
        )
        SELECT (SELECT count(*) FROM linked) AS linked, \(DeviceStatusNotice.announcing("activated")) AS activated
        """

    /// Links the device to the node that joined the tailnet for it: `active` with
    /// `trust_level high` (the node is proof it enrolled), its Tailscale columns and metadata
    /// filled, and, when it changed, `history` written in the same transaction. A device that
    /// turned `active` (from `pending` or `offline`) is announced with a `DeviceStatusNotice`
    /// on commit. A `revoked` or `inactive` device is never brought back this way, and a node
    /// another device holds is never linked (a link racing another to the same node meets the
    /// unique index instead). Returns whether the device changed.
    @discardableResult
    static func link(_ deviceID: String, to node: InventoryNode, history: ChangeRecord, in database: Database) throws -> Bool {
        let device = node.device
        return try database.withConnection { connection in
            try connection.transaction { connection in
                let row = try StoreError.onlyRow(of: connection.query(linkSQL, [
                    deviceID,                  // $1
                    device.id,                 // $2
                    device.hostname,           // $3
                    device.addresses.first,    // $4
                    device.os,                 // $5
                    JSONValue.array(device.tags.map(JSONValue.string)).serialized(),  // $6
                ]))
                guard try row.requiredInt("linked") == 1 else { return false }
                try HistoryStore.write(history, on: connection)
                return true
            }
        }
    }
}
