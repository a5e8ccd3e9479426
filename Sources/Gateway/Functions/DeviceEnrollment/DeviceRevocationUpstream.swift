import JSON
import Tailscale

/// The Tailscale part of a revocation: remove the device's node from the tailnet (or expire its
/// key) and revoke its minted key. Tried once right after the revocation commits, then by the device monitor
/// until it succeeds; every attempt leaves a `device_events` row
/// (`revocation_upstream_completed` or `revocation_upstream_failed`), so a revocation that
/// Tailscale has not carried out yet is visible, never silently dropped.
public struct DeviceRevocationUpstream {
    /// Pending revocations retried per monitor round.
    static let retriesPerRound = 20

    let services: Services

    public init(services: Services) { self.services = services }

    /// One attempt for `deviceID`; true when nothing is left to do upstream.
    @discardableResult
    func attempt(_ deviceID: String, source: String, clientAddress: String) -> Bool {
        do {
            guard let (attempt, work) = try DeviceRevocationStore.claim(deviceID, in: services.database) else { return true }
            let outcome = carryOut(work)
            var details: [(String, JSONValue)] = [("attempt", .int(attempt)), ("source", .string(source))]
            switch outcome {
            case .success(let done):
                let node = work.nodeAction == .expire ? "node_key_expired" : "node_removed"
                details += [(node, .bool(done.nodeHandled)), ("key_revoked", .bool(done.keyRevoked))]
            case .failure(let reason):
                details += [("error", .string(reason)), ("will_retry", true)]
            }
            let completed = if case .success = outcome { true } else { false }
            try DeviceRevocationStore.finish(deviceID, completed: completed, event: DeviceEvent(
                deviceID: deviceID, type: completed ? "revocation_upstream_completed" : "revocation_upstream_failed",
                details: JSONObject(details), ipAddress: clientAddress), in: services.database)
            return completed
        } catch {
            services.logger.warning("revocation attempt not recorded", [("device_id", .string(deviceID)),
                                                                        ("error_type", .string(String(describing: type(of: error))))])
            return false
        }
    }

    /// The monitor's round: every pending revocation that is due, oldest first.
    public func retryDue() {
        do {
            let due = try DeviceRevocationStore.due(firstRetryAfterSeconds: services.settings.monitor.intervalSeconds,
                                                    limit: Self.retriesPerRound, in: services.database)
            for deviceID in due { attempt(deviceID, source: "monitor", clientAddress: "unknown") }
        } catch {
            services.logger.warning("pending revocations not read", [("error_type", .string(String(describing: type(of: error))))])
        }
    }

    private struct Done {
        /// The node was removed, or its key expired (false: the tailnet no longer had it).
        var nodeHandled = false
        var keyRevoked = false
    }

    private enum Outcome {
        case success(Done)
        /// Why it failed, for the event: never a credential (TailscaleError carries none).
        case failure(String)
    }

    private func carryOut(_ work: PendingRevocation) -> Outcome {
        guard work.nodeID != nil || work.keyID != nil else { return .success(Done()) }
        guard let client = services.tailscale else { return .failure("Tailscale OAuth credentials not configured") }
        var done = Done()
        do {
            if let node = work.nodeID {
                done.nodeHandled = try work.nodeAction == .expire ? client.expireDeviceKey(id: node) : client.deleteDevice(id: node)
            }
            if let key = work.keyID { done.keyRevoked = try client.revokeAuthKey(id: key) }
            return .success(done)
        } catch {
            return .failure(Self.reason(error))
        }
    }

    private static func reason(_ error: TailscaleError) -> String {
        switch error {
        case .notConfigured: "Tailscale OAuth credentials not configured"
        case .unauthorized: "Tailscale refused the OAuth credentials"
        case .rejected(let status, _): "Tailscale answered HTTP \(status)"
        case .unavailable: "Tailscale unavailable"
        case .malformedResponse: "Tailscale answered an unexpected body"
        }
    }
}
