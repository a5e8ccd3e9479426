import JSON
import OperatingSystem
import Postgres

/// A device as `verify` sees it, found by its enrollment token.
struct RedeemableDevice {
    let id: String
    let userID: String
    let organizationID: String?
    let organizationName: String?
    let name: String
    let status: DeviceStatus
    let deviceType: String
    /// As stored (`enc:v2:`, `enc:v1:` or plain).
    let storedAuthKey: StoredSecret?
    let tags: [String]
    let group: String
    let expiresAt: String?
    let isExpired: Bool
    /// The fingerprint this very token was redeemed with ("" for none); nil while unredeemed.
    let boundFingerprint: String?
}

/// Token redemption (`verify`).
extension DeviceStore {
    // Tokens the service issued are found by hash; a raw token the portal wrote itself by value.
    static let redeemableSQL = """
        SELECT d.id::text AS id, d.user_id::text AS user_id, d.organization_id::text AS organization_id,
               o.name AS organization_name, d.name, d.status, d.device_type, d.tailscale_auth_key,
               d.metadata->'tailscale_tags' AS tags, d.metadata->>'tailscale_group' AS tailscale_group,
               to_char(d.enrollment_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at,
               coalesce(d.enrollment_expires_at <= now(), false) AS expired,
               CASE WHEN d.enrollment_verified_token_hash = $1 THEN d.enrollment_verified_fingerprint END AS bound_fingerprint
        FROM devices d LEFT JOIN organizations o ON o.id = d.organization_id
        WHERE d.enrollment_token_hash = $1 OR d.enrollment_token = $2
        LIMIT 1
        """

    // The row lock of this UPDATE serializes concurrent redemptions: a second one waits, then
    // re-checks the condition against the committed row and matches nothing.
    // Only device_type and fingerprint come from the redeemer (never name or os). From now on
    // the device's own minted key is in a client's hands: the device is joining.
    static let bindTokenSQL = """
        UPDATE devices SET
            device_type = coalesce($3, device_type),
            fingerprint = coalesce($4, fingerprint),
            metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('token_validated_at', $5::text),
            tailscale_key_issued_at = CASE WHEN tailscale_key_id IS NOT NULL THEN coalesce(tailscale_key_issued_at, now()) END,
            enrollment_verified_token_hash = $2,
            enrollment_verified_fingerprint = coalesce($4, '')
        WHERE id = $1::uuid AND status = \(DeviceStatus.pending.sql) AND enrollment_verified_token_hash IS DISTINCT FROM $2
        """

    /// The device this token was issued for; nil when it names none.
    static func redeemable(by token: EnrollmentToken, in database: Database) throws -> RedeemableDevice? {
        let row = try database.query(redeemableSQL, [token.hash, token.raw]).first
        guard let row else { return nil }
        let id = try row.required("id")
        return RedeemableDevice(
            id: id, userID: try row.required("user_id"), organizationID: try row.value("organization_id"),
            organizationName: try row.value("organization_name"), name: try row.required("name"),
            status: try DeviceStatus.parse(row.value("status")), deviceType: try row.required("device_type"),
            storedAuthKey: try row.value("tailscale_auth_key").map { StoredSecret($0, at: .deviceAuthKey(deviceID: id)) },
            tags: TagList.parse(try row.value("tags")) ?? OrganizationTailscaleConfig.defaultTags,
            group: try row.value("tailscale_group") ?? PendingDevice.defaultGroup,
            expiresAt: try row.value("expires_at"), isExpired: try row.requiredBool("expired"),
            boundFingerprint: try row.value("bound_fingerprint"))
    }

    /// Binds the token to the request's fingerprint and takes over its device type, with the
    /// history, in one transaction. False when a concurrent `verify` bound it first;
    /// `StoreError.fingerprintTaken` when another device has the fingerprint.
    static func bindToken(_ token: EnrollmentToken, to device: RedeemableDevice, deviceType: DeviceType?, fingerprint: String?,
                          history: ChangeRecord, in database: Database) throws -> Bool {
        do {
            return try database.withConnection { connection in
                try connection.transaction { connection in
                    let bound = try connection.query(bindTokenSQL, [
                        device.id,                // $1
                        token.hash,               // $2
                        deviceType?.rawValue,     // $3
                        fingerprint,              // $4
                        Timestamp.nowISO8601(),   // $5
                    ]).affectedRows == 1
                    if bound { try HistoryStore.write(history, on: connection) }
                    return bound
                }
            }
        } catch let error as DatabaseError where error.kind == .uniqueViolation {
            // Only the fingerprint is unique among the columns written here.
            throw StoreError.fingerprintTaken
        }
    }
}
