/// The one way a device status change is announced: `pg_notify('device_status',
/// {"device_id","organization_id","status"})`, which listeners (the portal's realtime channel,
/// a dashboard) subscribe to. Every statement that changes `devices.status` embeds this
/// fragment, so the payload has a single shape whichever path changed the device.
///
/// NOTIFY is transactional: the notices go out when the statement's transaction commits, and
/// never when it rolls back.
enum DeviceStatusNotice {
    /// A scalar subquery that announces every row of `relation` and evaluates to how many it
    /// announced. `relation` (a CTE of the enclosing statement) holds only devices whose status
    /// changed, with their new status, in the columns `id`, `organization_id` and `status`.
    ///
    /// Counting the announcements keeps them in the statement: PostgreSQL evaluates a CTE or a
    /// subquery only as far as something reads it.
    static func announcing(_ relation: String) -> String {
        """
        (SELECT count(*) FROM (
            SELECT pg_notify('\(channel)', json_build_object(
                'device_id', id, 'organization_id', organization_id, 'status', status)::text)
            FROM \(relation)) AS announced)
        """
    }

    static let channel = "device_status"

    /// What the monitor's listener runs on its own session to hear the notices.
    static let listenSQL = "LISTEN \(channel)"
}
