import Glibc
import CurlHTTP
import JSON
import OperatingSystem
import Postgres

/// Carries `pg_notify('device_status', ...)` to the browsers: the monitor process LISTENs on
/// the channel and posts each notice to nginx's nchan publisher, one channel per organization
/// (`MONITOR_PUBLISH_URL` + `/` + organization id), which streams it to the subscribers that
/// the service authorized (`LiveUpdatesAuthorization`). FastCGI workers never hold these
/// long-lived connections: nginx does.
///
/// Every monitor process publishes, leader or not, so each host's nginx hears every change
/// whichever process made it. A notice that cannot be delivered is dropped with a warning: the
/// page polls every 30 s anyway.
public final class DeviceStatusPublisher {
    static let postTimeoutMilliseconds = 1000

    private let publishURL: String?
    private let conninfo: String
    private let connectTimeoutSeconds: Int
    private let logger: ServiceLog
    private var listener: DatabaseConnection?
    private let httpClient: CurlClient

    public init(services: Services) {
        publishURL = services.settings.monitor.publishURL
        conninfo = services.settings.databaseURL
        connectTimeoutSeconds = services.settings.databaseConnectTimeoutSeconds
        logger = services.logger
        httpClient = CurlClient(trustedAuthorities: services.settings.trustedAuthorities)
        _ = listeningSocket()  // listening before the first round, whose changes it announces
    }

    /// Waits `seconds`, publishing the notices that arrive meanwhile, or less when a stop signal
    /// arrives on `stopDescriptor`; true when one did.
    public func wait(untilStop stopDescriptor: Int32, seconds: Int) -> Bool {
        let deadline = MonotonicClock.milliseconds() + Int64(seconds) * 1000
        while true {
            let remaining = deadline - MonotonicClock.milliseconds()
            guard remaining > 0 else { return false }
            var descriptors = [pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0)]
            if let socket = listeningSocket() { descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
            // Without a listener (database down), try again within a second.
            let timeout = descriptors.count == 1 && publishURL != nil ? min(remaining, 1000) : remaining
            guard poll(&descriptors, nfds_t(descriptors.count), Int32(timeout)) >= 0 || errno == EINTR else { return false }
            if descriptors[0].revents != 0 { return true }
            if descriptors.count > 1, descriptors[1].revents != 0 { publishArrived() }
        }
    }

    /// The LISTEN session's socket, connecting first when needed; nil when publishing is off
    /// or the database cannot be reached now.
    private func listeningSocket() -> Int32? {
        guard publishURL != nil else { return nil }
        if let listener, listener.isConnected { return listener.socketDescriptor }
        let connection = DatabaseConnection(conninfo: conninfo, settings: DatabaseConnectionSettings(
            connectTimeoutSeconds: connectTimeoutSeconds))
        do {
            try connection.connect()
            try connection.execute(DeviceStatusNotice.listenSQL)
            listener = connection
            return connection.socketDescriptor
        } catch {
            listener = nil
            return nil
        }
    }

    private func publishArrived() {
        guard let listener, let publishURL else { return }
        let notices: [(channel: String, payload: String)]
        do {
            notices = try listener.notifications()
        } catch {
            logger.warning("device status listener lost its database session")
            self.listener = nil
            return
        }
        for notice in notices where notice.channel == DeviceStatusNotice.channel {
            guard let organizationID = (try? JSONParser.parse(Array(notice.payload.utf8)))?["organization_id"]?.stringValue
            else { continue }  // a device without an organization has no audience
            post(notice.payload, to: publishURL + "/" + organizationID)
        }
    }

    private func post(_ payload: String, to url: String) {
        do {
            let response = try httpClient.send(CurlRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(payload.utf8),
                timeoutMilliseconds: Self.postTimeoutMilliseconds, connectTimeoutMilliseconds: Self.postTimeoutMilliseconds))
            if !(200...299).contains(response.status) {
                logger.warning("live update not published", [("status", .int(response.status))])
            }
        } catch {
            logger.warning("live update not published", [("error", .string(String(describing: error)))])
        }
    }
}
