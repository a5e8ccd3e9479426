import Postgres
import XCTest

final class DatabaseConnectionTests: XCTestCase {
    private var connection: DatabaseConnection!

    override func setUpWithError() throws {
        connection = try TestDatabase.connect()
    }

    override func tearDown() {
        connection?.close()
    }

    func testParametersRoundTripAsText() throws {
        let row = try XCTUnwrap(connection.query(
            "SELECT $1::text AS name, $2::int AS count, $3::bool AS flag, $4::text AS missing, $5::float8 AS ratio",
            ["héllo ✓ 🚀", 42, true, Optional<String>.none, 0.25]
        ).first)
        XCTAssertEqual(row["name"], "héllo ✓ 🚀")
        XCTAssertEqual(row.int("count"), 42)
        XCTAssertEqual(row.bool("flag"), true)
        XCTAssertNil(row["missing"])
        XCTAssertEqual(try row.value("ratio"), "0.25")
        XCTAssertNil(row["no_such_column"])
        XCTAssertThrowsError(try row.value("no_such_column")) { XCTAssertEqual($0 as? ResultRowError, .missingColumn("no_such_column")) }
        XCTAssertNil(try row.value("missing"))
        XCTAssertThrowsError(try row.required("missing")) { XCTAssertEqual($0 as? ResultRowError, .null("missing")) }
    }

    func testHostileStringsStayData() throws {
        let hostile = "'; DROP TABLE pg_class; --\\ \" $1"
        XCTAssertEqual(try connection.query("SELECT $1::text AS value", [hostile]).first?["value"], hostile)
    }

    func testStringArrayBindsAsTextArray() throws {
        let tags = ["tag:prod", "with,comma", "NULL", #"quote " and \ slash"#, "{brace}"]
        let row = try XCTUnwrap(connection.query(
            "SELECT array_length($1::text[], 1) AS count, ($1::text[])[3] IS NULL AS third_is_null, ($1::text[])[4] AS fourth",
            [tags]
        ).first)
        XCTAssertEqual(row.int("count"), tags.count)
        XCTAssertEqual(row.bool("third_is_null"), false)
        XCTAssertEqual(row["fourth"], tags[3])
    }

    func testStatementIsPreparedOncePerText() throws {
        let sql = "SELECT $1::int + 1 AS next"
        XCTAssertEqual(try connection.query(sql, [1]).first?.int("next"), 2)
        XCTAssertEqual(try connection.query(sql, [41]).first?.int("next"), 42)
        let prepared = try connection.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [sql])
        XCTAssertEqual(prepared.first?.int("n"), 1)
    }

    func testAffectedRowsAndMultipleRows() throws {
        try connection.execute("CREATE TEMP TABLE items (id int PRIMARY KEY, label text UNIQUE)")
        let inserted = try connection.query("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, NULL)")
        XCTAssertEqual(inserted.affectedRows, 3)
        let rows = try connection.query("SELECT id, label FROM items ORDER BY id").rows
        XCTAssertEqual(rows.map { $0.int("id") }, [1, 2, 3])
        XCTAssertEqual(rows.map { $0["label"] }, ["a", "b", nil])
    }

    func testUniqueViolationNamesTheConstraint() throws {
        try connection.execute("CREATE TEMP TABLE tokens (hash text CONSTRAINT tokens_hash_key UNIQUE)")
        try connection.query("INSERT INTO tokens VALUES ($1)", ["x"])
        XCTAssertThrowsError(try connection.query("INSERT INTO tokens VALUES ($1)", ["x"])) { error in
            let postgresError = error as? DatabaseError
            XCTAssertEqual(postgresError?.kind, .uniqueViolation)
            XCTAssertEqual(postgresError?.sqlState, "23505")
            XCTAssertEqual(postgresError?.constraint, "tokens_hash_key")
        }
        XCTAssertTrue(connection.isConnected)
    }

    func testStatementTimeoutIsItsOwnKind() throws {
        let connection = try TestDatabase.connect(settings: DatabaseConnectionSettings(statementTimeoutMilliseconds: 50))
        defer { connection.close() }
        XCTAssertDatabaseError(.timeout) { try connection.query("SELECT pg_sleep(2)") }
        XCTAssertEqual(try connection.query("SELECT 1 AS one").first?.int("one"), 1)
    }

    func testSyntaxErrorIsQueryFailedAndKeepsTheConnection() throws {
        XCTAssertDatabaseError(.queryFailed) { try connection.query("SELEC 1") }
        XCTAssertDatabaseError(.queryFailed) { try connection.execute("SELEC 1") }
        XCTAssertEqual(try connection.query("SELECT 1 AS one").first?.int("one"), 1)
    }

    func testTransactionCommitsOrRollsBack() throws {
        try connection.execute("CREATE TEMP TABLE ledger (entry text)")
        try connection.transaction { try $0.query("INSERT INTO ledger VALUES ($1)", ["kept"]) }

        struct Abort: Error {}
        XCTAssertThrowsError(try connection.transaction { connection in
            try connection.query("INSERT INTO ledger VALUES ($1)", ["discarded"])
            throw Abort()
        }) { XCTAssertTrue($0 is Abort) }

        let entries = try connection.query("SELECT entry FROM ledger").rows.map { $0["entry"] }
        XCTAssertEqual(entries, ["kept"])
    }

    func testTransactionWithSwallowedErrorDoesNotReportSuccess() throws {
        XCTAssertDatabaseError(.queryFailed) {
            try connection.transaction { connection in
                _ = try? connection.query("SELECT 1/0")
            }
        }
        XCTAssertEqual(try connection.query("SELECT 1 AS one").first?.int("one"), 1)
    }

    func testNotificationsAreDrained() throws {
        try connection.execute("LISTEN nexus_test")
        let sender = try TestDatabase.connect()
        defer { sender.close() }
        try sender.query("SELECT pg_notify('nexus_test', $1)", ["payload ✓"])

        var received: [(channel: String, payload: String)] = []
        for _ in 0..<50 where received.isEmpty {
            received = try connection.notifications()
            if received.isEmpty { usleep(10_000) }
        }
        XCTAssertEqual(received.first?.channel, "nexus_test")
        XCTAssertEqual(received.first?.payload, "payload ✓")
        XCTAssertGreaterThanOrEqual(connection.socketDescriptor, 0)
    }

    func testLostConnectionIsUnavailable() throws {
        try TestDatabase.terminateBackend(TestDatabase.backendPid(of: connection))
        XCTAssertDatabaseError(.unavailable) { try connection.query("SELECT 1") }
        XCTAssertFalse(connection.isConnected)
    }

    func testUnreachableServerIsUnavailable() {
        let connection = DatabaseConnection(conninfo: "host=127.0.0.1 port=1 dbname=none connect_timeout=2")
        XCTAssertDatabaseError(.unavailable) { try connection.connect() }
        XCTAssertFalse(connection.isConnected)
        XCTAssertEqual(connection.socketDescriptor, -1)
    }

    func testMalformedConnectionStringDoesNotEchoIt() {
        let connection = DatabaseConnection(conninfo: "postgresql://user:s3cret@host/db?bogus_option=1")
        XCTAssertThrowsError(try connection.connect()) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .unavailable)
            XCTAssertFalse("\(error)".contains("s3cret"))
        }
    }
}
