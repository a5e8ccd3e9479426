import JSON
import OperatingSystem
@testable import Tailscale

private let now: Int64 = 1_700_000_000

/// Any bytes as an answer of the Tailscale API: the first line as a `Retry-After` header, the
/// rest as the body. Every decoder the client applies to an answer (device list, one device,
/// new auth key, error message, OAuth error code, retry delay, timestamps) returns a value or
/// `malformedResponse`, never traps; the device-list check agrees with the device-list decoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTailscale(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let newline = input.firstIndex(of: UInt8(ascii: "\n")) ?? input.endIndex
    let header = String(decoding: input[..<newline], as: UTF8.self)
    let body = Array(input[(newline == input.endIndex ? newline : newline + 1)...])

    if let delay = RetryPolicy.retryAfterMilliseconds(header, nowUnixSeconds: now), !(0...86_400_000).contains(delay) {
        fatalError("Retry-After delay \(delay) ms outside 0...1 day")
    }
    _ = Timestamp.unixSeconds(rfc3339: header)
    _ = UpstreamErrorMessage.from(body, status: 400)
    _ = UpstreamErrorMessage.oauthErrorCode(body)

    let checkedOneByOne = (try? TailscaleDevice.isDeviceList(body)) == true
    guard let answer = try? JSONParser.parse(body) else {
        if checkedOneByOne { fatalError("a body that is not JSON passed the device-list check") }
        return 0
    }
    // The sync checks the list one device at a time; list-devices decodes it whole. They must
    // agree on every input, or a sync would store what list-devices refuses (or the reverse).
    let devices = try? TailscaleDevice.list(from: answer)
    if checkedOneByOne != (devices != nil) { fatalError("the device-list check and the decoder disagree") }
    for device in devices ?? [] { inspect(device) }
    if let device = try? TailscaleDevice(json: answer.objectValue ?? JSONObject()) { inspect(device) }
    _ = try? TailscaleAuthKey(json: answer)
    return 0
}

private func inspect(_ device: TailscaleDevice) {
    _ = device.isOnline(now: now)
    for time in [device.lastSeen, device.created].compactMap({ $0 }) { _ = Timestamp.unixSeconds(rfc3339: time) }
}
