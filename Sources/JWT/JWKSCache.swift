/// The JWKS of one worker process, with re-fetching on unknown `kid`s limited to one load per
/// interval: a flood of tokens naming made-up keys must not turn into a flood of requests to
/// the JWKS URL.
struct JWKSCache {
    private let source: JWKSSource
    private let refetchInterval: Int64
    private(set) var keySet: JSONWebKeySet
    private var lastLoad: Int64

    /// Loads the document at once, so that a wrong URL or path fails at start, not on the first
    /// request. A document without usable keys is only acceptable when an HMAC secret can still
    /// verify tokens (`allowEmpty`): projects on Supabase's legacy secret serve `{"keys":[]}`.
    init(source: JWKSSource, refetchInterval: Int64, allowEmpty: Bool, now: Int64) throws(JWKSError) {
        self.source = source
        self.refetchInterval = refetchInterval
        self.keySet = try Self.load(from: source)
        self.lastLoad = now
        guard allowEmpty || !keySet.entries.isEmpty else { throw .noUsableKeys }
    }

    /// The key for `keyID`, re-loading the document once if it is unknown and the last load is at
    /// least `refetchInterval` seconds old. A failed re-load keeps the keys already known.
    mutating func key(for keyID: String?, now: Int64) -> JSONWebKeySet.Entry? {
        if let entry = keySet.key(for: keyID) { return entry }
        guard now - lastLoad >= refetchInterval else { return nil }
        lastLoad = now
        guard let fresh = try? Self.load(from: source) else { return nil }
        keySet = fresh
        return keySet.key(for: keyID)
    }

    private static func load(from source: JWKSSource) throws(JWKSError) -> JSONWebKeySet {
        let document: [UInt8]
        do {
            document = try source.loadJWKS()
        } catch {
            throw .unreadable
        }
        return try JSONWebKeySet(document: document)
    }
}
