import JSON
import Postgres
import Tailscale

/// What every inventory sync reads from the API (the monitor's rounds and a polling refresh):
/// the key state of joining devices first, then the device list. In that order, so that a key
/// seen used has its node in the list that follows: a device is never matched against a list
/// taken before its machine joined.
///
/// Key checks are bounded per fetch (TAILSCALE_KEY_CHECKS_PER_REFRESH) and made only for
/// devices whose own key is in a client's hands and not yet seen used, so they never add an API
/// call per poll: pollers share one fetch per inventory age.
struct InventoryFetch {
    static let dueKeysSQL = """
        SELECT id::text AS id, tailscale_key_id FROM devices
        WHERE status = \(DeviceStatus.pending.sql) AND tailscale_key_id IS NOT NULL AND tailscale_key_used_at IS NULL
          AND tailscale_key_issued_at IS NOT NULL AND coalesce(tailscale_key_expires_at, 'infinity') > now()
        ORDER BY tailscale_key_checked_at NULLS FIRST
        LIMIT $1
        """

    /// $1: `[{"id", "used"}]`.
    static let recordKeyStatesSQL = """
        UPDATE devices d SET tailscale_key_checked_at = now(),
            tailscale_key_used_at = CASE WHEN r.used THEN now() END
        FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, used boolean)
        WHERE d.id = r.id AND d.tailscale_key_used_at IS NULL
        """

    let client: TailscaleClient
    let services: Services

    func devices() throws -> [TailscaleDevice] {
        checkJoiningKeys()
        return try client.listDevices()
    }

    /// A failure here only delays a link until the next fetch; it never fails the sync. The
    /// first failed key call ends the round, so a Tailscale outage costs one deadline, not one
    /// per joining device.
    private func checkJoiningKeys() {
        let limit = services.settings.keyChecksPerRefresh
        guard limit > 0 else { return }
        do {
            let due = try services.database.withConnection { connection in
                try connection.query(Self.dueKeysSQL, [limit]).rows
            }
            var states: [JSONValue] = []
            for row in due {
                let id = try row.required("id"), keyID = try row.required("tailscale_key_id")
                do {
                    let state = try client.authKeyState(id: keyID)
                    states.append(.object(JSONObject([("id", .string(id)), ("used", .bool(state == .used))])))
                } catch {
                    services.logger.warning("key state not checked", [("error", .string(String(describing: error)))])
                    break
                }
            }
            guard !states.isEmpty else { return }
            let records = JSONValue.array(states).serialized()
            try services.database.withConnection { connection in
                _ = try connection.query(Self.recordKeyStatesSQL, [records])
            }
        } catch {
            services.logger.warning("joining devices' key states not recorded", [("error", .string(String(describing: error)))])
        }
    }
}
