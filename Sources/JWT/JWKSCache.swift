import OperatingSystem

/// The JWKS of one worker process, safe to use from several threads at once.
///
/// The document is loaded again for two reasons:
/// - age: once the set is `maximumAge` seconds old, the next request reloads it before it is
///   used, so a key the issuer removed stops verifying within that time. Only one thread
///   fetches; the others go on verifying with the current set instead of queueing behind it;
/// - rotation: a token names a `kid` the set does not hold. Such re-loads are limited to one per
///   `refetchInterval`: a flood of tokens naming made-up keys must not turn into a flood of
///   requests to the JWKS URL.
///
/// A failed load keeps the last good set (and is logged): an outage of the JWKS endpoint must
/// not lock every user out. It is tried again no sooner than `refetchInterval` later.
final class JWKSCache: @unchecked Sendable {
    /// One loaded set. `generation` counts successful loads, so that results derived from an
    /// older set (the verified-token cache) can be told apart.
    struct Snapshot {
        let keySet: JSONWebKeySet
        let loadedAt: Int64
        let generation: Int
    }

    private struct Fetcher {
        let source: JWKSSource
        var lastAttempt: Int64
    }

    let maximumAge: Int64
    let refetchInterval: Int64
    private let log: @Sendable (String) -> Void
    private let current: Locked<Snapshot>
    /// Held for the whole of a fetch: fetches are one at a time, and its value (the time of the
    /// last attempt) is only touched by the thread that fetches.
    private let fetcher: Locked<Fetcher>

    /// Loads the document at once, so that a wrong URL or path fails at start, not on the first
    /// request. A document without usable keys is only acceptable when an HMAC secret can still
    /// verify tokens (`allowEmpty`): projects on Supabase's legacy secret serve `{"keys":[]}`.
    /// `refetchInterval` is capped at `maximumAge`, which would mean nothing otherwise.
    init(source: JWKSSource, maximumAge: Int64, refetchInterval: Int64, allowEmpty: Bool, now: Int64,
         log: @escaping @Sendable (String) -> Void) throws(JWKSError) {
        let keySet = try Self.load(from: source)
        guard allowEmpty || !keySet.entries.isEmpty else { throw .noUsableKeys }
        self.maximumAge = maximumAge
        self.refetchInterval = min(refetchInterval, maximumAge)
        self.log = log
        current = Locked(Snapshot(keySet: keySet, loadedAt: now, generation: 0))
        fetcher = Locked(Fetcher(source: source, lastAttempt: now))
    }

    /// The set to verify with: the current one, re-loaded first when it is past its maximum age,
    /// unless another thread is already re-loading it (then the current one, without waiting).
    func keys(now: Int64) -> Snapshot {
        let snapshot = current.withLock { $0 }
        guard now - snapshot.loadedAt >= maximumAge else { return snapshot }
        return fetcher.withLockIfFree { reload(&$0, after: snapshot, now: now) } ?? snapshot
    }

    /// The key for `keyID`: from `snapshot`, or else from a re-load (waiting for one another
    /// thread is doing), when one is allowed now.
    func key(for keyID: String?, in snapshot: Snapshot, now: Int64) -> JSONWebKeySet.Entry? {
        if let entry = snapshot.keySet.key(for: keyID) { return entry }
        return fetcher.withLock { reload(&$0, after: snapshot, now: now) }.keySet.key(for: keyID)
    }

    /// With the fetch lock held: the newest set, fetched now unless another thread replaced
    /// `seen` meanwhile or the last attempt is too recent.
    private func reload(_ fetcher: inout Fetcher, after seen: Snapshot, now: Int64) -> Snapshot {
        let latest = current.withLock { $0 }
        guard latest.generation == seen.generation, now - fetcher.lastAttempt >= refetchInterval else { return latest }
        fetcher.lastAttempt = now
        do {
            let fresh = Snapshot(keySet: try Self.load(from: fetcher.source), loadedAt: now, generation: latest.generation + 1)
            current.withLock { $0 = fresh }
            return fresh
        } catch {
            log("JWKS reload failed (\(error)); still using the \(latest.keySet.entries.count) keys loaded "
                + "\(now - latest.loadedAt) s ago, next attempt in \(refetchInterval) s")
            return latest
        }
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
