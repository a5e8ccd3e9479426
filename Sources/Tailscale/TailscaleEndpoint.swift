/// The metrics name of an API call (`device_list`, `key_create`, ...), from its operation
/// text (`METHOD /path`): never the path itself, which carries node and key ids.
enum TailscaleEndpoint {
    static func name(ofOperation operation: String) -> String {
        let parts = operation.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return "other" }
        let (method, segments) = (parts[0], parts[1].split(separator: "/"))
        // ["api", "v2", resource, ...]
        guard segments.count >= 3, segments[0] == "api", segments[1] == "v2" else { return "other" }
        switch (method, segments[2], segments.count, segments.last) {
        case ("POST", "oauth", 4, "token"): return "token"
        case ("GET", "tailnet", 5, "devices"): return "device_list"
        case ("POST", "tailnet", 5, "keys"): return "key_create"
        case ("GET", "tailnet", 6, _) where segments[4] == "keys": return "key_get"
        case ("DELETE", "tailnet", 6, _) where segments[4] == "keys": return "key_delete"
        case ("GET", "device", 4, _): return "device_get"
        case ("DELETE", "device", 4, _): return "device_delete"
        case ("POST", "device", 5, "expire"): return "device_expire"
        default: return "other"
        }
    }
}
