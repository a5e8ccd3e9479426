import JSON

/// A freshly minted auth key. `key` is secret and only ever returned by the create call.
public struct TailscaleAuthKey: Sendable {
    public let id: String
    public let key: String
    public let expires: String?
    public let created: String?

    public init(id: String, key: String, expires: String?, created: String?) {
        self.id = id
        self.key = key
        self.expires = expires
        self.created = created
    }

    init(json: JSONValue) throws(TailscaleError) {
        guard let id = json["id"]?.stringValue, !id.isEmpty,
              let key = json["key"]?.stringValue, !key.isEmpty
        else { throw .malformedResponse }
        self.init(id: id, key: key, expires: json["expires"]?.stringValue, created: json["created"]?.stringValue)
    }
}
