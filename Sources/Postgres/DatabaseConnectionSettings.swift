import CPostgres

/// What the service adds to the operator's connection string before connecting.
public struct DatabaseConnectionSettings: Sendable {
    /// Server-side `statement_timeout`, so a stuck query frees its worker. nil leaves the server default.
    public var statementTimeoutMilliseconds: Int?
    /// libpq `connect_timeout`, so connecting to a dead host never hangs a request.
    public var connectTimeoutSeconds: Int?
    /// Shown in `pg_stat_activity`; the connection string may override it.
    public var applicationName: String

    public init(
        statementTimeoutMilliseconds: Int? = nil,
        connectTimeoutSeconds: Int? = nil,
        applicationName: String = "nexus-vault"
    ) {
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
    }

    /// Parses `conninfo` (a `postgresql://` URL or `key=value` pairs; libpq accepts both) and
    /// returns the keyword/value pairs to hand to `PQconnectdbParams`.
    func connectionParameters(conninfo: String) throws(DatabaseError) -> ConnectionParameters {
        var parameters = try ConnectionParameters(parsing: conninfo)
        if let connectTimeoutSeconds {
            parameters["connect_timeout"] = String(connectTimeoutSeconds)
        }
        if let statementTimeoutMilliseconds {
            let option = "-c statement_timeout=\(statementTimeoutMilliseconds)"
            parameters["options"] = [parameters["options"], option].compactMap { $0 }.joined(separator: " ")
        }
        parameters.setDefault("application_name", applicationName)
        // TCP keepalives notice a silently vanished server (failover, pulled cable) between
        // requests, instead of at the next query's write timeout.
        parameters.setDefault("keepalives", "1")
        parameters.setDefault("keepalives_idle", "30")
        parameters.setDefault("keepalives_interval", "10")
        parameters.setDefault("keepalives_count", "3")
        return parameters
    }
}

/// Ordered libpq keyword/value pairs.
struct ConnectionParameters {
    private(set) var pairs: [(keyword: String, value: String)] = []

    init(parsing conninfo: String) throws(DatabaseError) {
        var parseError: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &parseError) else {
            // libpq's message can quote a fragment of the string, password included: keep it out.
            PQfreemem(parseError)
            throw DatabaseError(kind: .unavailable, message: "invalid database connection string")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                pairs.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
    }

    subscript(keyword: String) -> String? {
        get { pairs.first { $0.keyword == keyword }?.value }
        set {
            pairs.removeAll { $0.keyword == keyword }
            if let newValue { pairs.append((keyword, newValue)) }
        }
    }

    mutating func setDefault(_ keyword: String, _ value: String) {
        if self[keyword] == nil { self[keyword] = value }
    }
}
