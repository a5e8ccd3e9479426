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
    let client: TailscaleClient
    let services: Services

    func deviceList() throws -> FetchedDeviceList {
        checkJoiningKeys()
        return try FetchedDeviceList.fetch(from: client, database: services.database)
    }

    /// A failure here only delays a link until the next fetch; it never fails the sync. The
    /// first failed key call ends the round, so a Tailscale outage costs one deadline, not one
    /// per joining device.
    private func checkJoiningKeys() {
        let limit = services.settings.keyChecksPerRefresh
        guard limit > 0 else { return }
        do {
            var states: [(deviceID: String, used: Bool)] = []
            for due in try DeviceStore.keysDue(limit: limit, in: services.database) {
                do {
                    states.append((due.deviceID, try client.authKeyState(id: due.keyID) == .used))
                } catch {
                    services.logger.warning("key state not checked", [("error", .string(String(describing: error)))])
                    break
                }
            }
            guard !states.isEmpty else { return }
            try DeviceStore.recordKeyStates(states, in: services.database)
        } catch {
            services.logger.warning("joining devices' key states not recorded", [("error", .string(String(describing: error)))])
        }
    }
}
