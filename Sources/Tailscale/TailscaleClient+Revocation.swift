/// The calls that take a device's access away. All are idempotent: what is already gone
/// (404) counts as done, so a revocation retried after a partial success finishes cleanly.
extension TailscaleClient {
    /// Removes a node from the tailnet (`DELETE /api/v2/device/{id}`). False when the tailnet
    /// no longer had it.
    @discardableResult
    public func deleteDevice(id: String) throws(TailscaleError) -> Bool {
        try removing("/api/v2/device/\(PercentEncoding.encode(id))")
    }

    /// Expires a node's key (`POST /api/v2/device/{id}/expire`): the machine is cut off until it
    /// signs in again, which a revoked device cannot. False when the tailnet no longer had it.
    @discardableResult
    public func expireDeviceKey(id: String) throws(TailscaleError) -> Bool {
        try absentIsDone { () throws(TailscaleError) in
            _ = try authorizedCall(method: "POST", path: "/api/v2/device/\(PercentEncoding.encode(id))/expire")
        }
    }

    /// Revokes an auth key (`DELETE /api/v2/tailnet/{tailnet}/keys/{id}`), so an unused one can
    /// no longer let a machine join. False when the API did not know it (some servers forget
    /// a used single-use key).
    @discardableResult
    public func revokeAuthKey(id: String) throws(TailscaleError) -> Bool {
        try removing("/api/v2/tailnet/\(PercentEncoding.encode(configuration.tailnet))/keys/\(PercentEncoding.encode(id))")
    }

    private func removing(_ path: String) throws(TailscaleError) -> Bool {
        try absentIsDone { () throws(TailscaleError) in _ = try authorizedCall(method: "DELETE", path: path) }
    }

    private func absentIsDone(_ call: () throws(TailscaleError) -> Void) throws(TailscaleError) -> Bool {
        do {
            try call()
            return true
        } catch .rejected(status: 404, _) {
            return false
        }
    }
}
