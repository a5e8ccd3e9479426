import Glibc
import CurlHTTP
import JSON
import OperatingSystem

/// A blocking client for the parts of Tailscale API v2 the gateway uses.
///
/// Authenticates with OAuth client credentials, caches the access token, retries transient
/// failures with back-off, and keeps every call inside `deadlineMilliseconds`. One per worker
/// process, like the `CurlClient` it drives; thread-safe (one token shared by the threads).
public final class TailscaleClient: @unchecked Sendable {
    let configuration: TailscaleConfiguration
    let httpClient: CurlClient
    let retryPolicy: RetryPolicy
    /// Wall-clock unix seconds, for HTTP-date `Retry-After` values.
    let now: () -> Int64
    /// One line per retry or failure; never given a secret.
    let log: (String) -> Void
    /// Guards `cachedToken` and `tokenRequests`.
    let tokenLock = Lock()
    var cachedToken: AccessToken?

    /// How many HTTP requests this client sent to the token endpoint.
    public internal(set) var tokenRequests = 0

    public init(
        configuration: TailscaleConfiguration, httpClient: CurlClient = CurlClient(),
        now: @escaping () -> Int64 = { Int64(time(nil)) }, log: @escaping (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.retryPolicy = RetryPolicy(configuration: configuration)
        self.now = now
        self.log = log
    }

    /// The device list's body limit. A node's object is about 850 bytes with realistic names,
    /// so the default 8 MiB stopped a tailnet at about 9,800 nodes (every sync answered 502);
    /// 64 MiB holds about 75,000, and a worker holds the body only while it parses it.
    public static let maximumDeviceListBytes = 64 << 20

    /// Every node of the tailnet (`GET /api/v2/tailnet/{tailnet}/devices`).
    public func listDevices() throws(TailscaleError) -> [TailscaleDevice] {
        try decodedDeviceList(fetchDeviceList())
    }

    /// The device list as the API sent it, once it was found the shape `listDevices` accepts:
    /// for the inventory sync, which hands it to PostgreSQL whole. It is checked one device at a
    /// time, so a sync never holds the list's JSON tree (a sync of 1,000 nodes had taken a
    /// worker 6.4 MiB above its size, most of it trees and copies of one list).
    public func deviceListDocument() throws(TailscaleError) -> TailscaleDeviceListDocument {
        let body = try fetchDeviceList()
        let operation = "GET \(deviceListPath)"
        let wellFormed = try readingJSON(operation) { () throws(JSONParseError) in try TailscaleDevice.isDeviceList(body) }
        try decoding(operation) { () throws(TailscaleError) in if !wellFormed { throw .malformedResponse } }
        return TailscaleDeviceListDocument(json: String(decoding: body, as: UTF8.self))
    }

    private var deviceListPath: String { "/api/v2/tailnet/\(tailnetSegment)/devices" }

    private func fetchDeviceList() throws(TailscaleError) -> [UInt8] {
        try authorizedBody(method: "GET", path: deviceListPath, maximumBodyBytes: Self.maximumDeviceListBytes)
    }

    private func decodedDeviceList(_ body: [UInt8]) throws(TailscaleError) -> [TailscaleDevice] {
        let operation = "GET \(deviceListPath)"
        let answer = try parseJSON(body, operation: operation)
        return try decoding(operation) { () throws(TailscaleError) in try TailscaleDevice.list(from: answer) }
    }

    /// One node by its numeric id or its nodeId (`GET /api/v2/device/{id}`).
    public func device(id: String) throws(TailscaleError) -> TailscaleDevice {
        let path = "/api/v2/device/\(PercentEncoding.encode(id))"
        let answer = try authorizedCall(method: "GET", path: path)
        return try decoding("GET \(path)") { () throws(TailscaleError) in
            try TailscaleDevice(json: answer.objectValue ?? JSONObject())
        }
    }

    /// Mints an auth key (`POST /api/v2/tailnet/{tailnet}/keys`). The tags must belong to the
    /// OAuth client, `expirySeconds` may be at most 90 days, `description` at most 50 characters.
    public func createAuthKey(
        tags: [String], expirySeconds: Int, description: String,
        reusable: Bool = false, ephemeral: Bool = false, preauthorized: Bool = true
    ) throws(TailscaleError) -> TailscaleAuthKey {
        let create: JSONValue = [
            "reusable": .bool(reusable), "ephemeral": .bool(ephemeral), "preauthorized": .bool(preauthorized),
            "tags": .array(tags.map(JSONValue.string)),
        ]
        let body: JSONValue = [
            "capabilities": ["devices": ["create": create]],
            "expirySeconds": .int(expirySeconds),
            "description": .string(description),
        ]
        let path = "/api/v2/tailnet/\(tailnetSegment)/keys"
        let answer = try authorizedCall(method: "POST", path: path, jsonBody: body)
        return try decoding("POST \(path)") { () throws(TailscaleError) in try TailscaleAuthKey(json: answer) }
    }

    /// Runs `decode`, logging when the answer is not the documented shape.
    private func decoding<T>(_ operation: String, _ decode: () throws(TailscaleError) -> T) throws(TailscaleError) -> T {
        do {
            return try decode()
        } catch {
            log("\(operation) answered JSON that is not the documented shape")
            throw error
        }
    }

    private var tailnetSegment: String { PercentEncoding.encode(configuration.tailnet) }

    /// The base URL without a trailing slash, followed by `path`.
    func url(_ path: String) -> String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
