import FastCGI
import JSON
import XCTest
@testable import Gateway

/// The contract rules the router applies before any action runs. Nothing here reaches the
/// database (its URL points at a closed port), which is also what these paths must not need.
final class RouterTests: XCTestCase {
    var router: GatewayRouter!

    override func setUpWithError() throws {
        let settings = try Settings.load(environment: SettingsTests.minimal, envFile: nil)
        let services = try Services(settings: settings, logger: ServiceLog(component: "test"))
        router = GatewayRouter(services: services, functions: GatewayFunctions.all)
    }

    private func send(_ method: String, _ path: String, body: String = "", headers: [String: String] = [:],
                      query: String = "", tooLarge: Bool = false) -> (Int, [String: String], JSONValue?) {
        var parameters = ["REQUEST_METHOD": method, "DOCUMENT_URI": path, "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1"]
        for (name, value) in headers { parameters["HTTP_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = value }
        let response = router.respond(to: FastCGIRequest(parameters: parameters, body: Array(body.utf8), bodyExceededLimit: tooLarge))
        let headerMap = Dictionary(response.allHeaders.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { $1 })
        return (response.status, headerMap, response.body.isEmpty ? nil : try? JSONParser.parse(response.body))
    }

    func testHealthNeedsNoDatabase() {
        let (status, headers, body) = send("GET", "/functions/v1/health")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body, ["status": "ok"])
        XCTAssertEqual(headers["content-type"], "application/json; charset=utf-8")
        XCTAssertEqual(headers["cache-control"], "no-store")
    }

    func testReadyIs503WithoutDatabase() {
        let (status, headers, body) = send("GET", "/functions/v1/ready")
        XCTAssertEqual(status, 503)
        XCTAssertEqual(body, ["error": "Service temporarily unavailable"])
        XCTAssertEqual(headers["retry-after"], "5")
    }

    func testUnknownFunctionAndMethods() {
        XCTAssertEqual(send("POST", "/functions/v1/nope").2, ["error": "Function not found"])
        XCTAssertEqual(send("POST", "/functions/v1/nope").0, 404)
        let (status, headers, body) = send("GET", "/functions/v1/device-enrollment")
        XCTAssertEqual(status, 405)
        XCTAssertEqual(headers["allow"], "POST, OPTIONS")
        XCTAssertNotNil(body?["error"])
    }

    func testPreflightHasCORSAndNoBody() {
        let (status, headers, body) = send("OPTIONS", "/functions/v1/tailscale-api")
        XCTAssertEqual(status, 204)
        XCTAssertNil(body)
        XCTAssertEqual(headers["access-control-allow-origin"], "*")
        XCTAssertEqual(headers["access-control-allow-methods"], "POST, OPTIONS")
        XCTAssertEqual(headers["access-control-allow-headers"],
                       "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage")
    }

    func testBodyRules() {
        XCTAssertEqual(send("POST", "/functions/v1/device-enrollment", tooLarge: true).0, 413)
        XCTAssertEqual(send("POST", "/functions/v1/device-enrollment", tooLarge: true).2, ["error": "Request body too large"])
        for bad in ["{", "[]", "\"x\"", "1", "{\"a\":}", "null"] {
            let (status, _, body) = send("POST", "/functions/v1/device-enrollment", body: bad)
            XCTAssertEqual(status, 400, bad)
            XCTAssertEqual(body, ["error": "Invalid JSON body"], bad)
        }
    }

    // The body is parsed before authentication: past `GatewayRouter.maxBodyValues` it is refused.
    func testBodiesOfThousandsOfValuesAreInvalidJSON() {
        func body(padding: Int) -> String {
            "{\"action\":\"nope\"" + (0..<padding).map { ",\"k\($0)\":0" }.joined() + "}"
        }
        let fitting = GatewayRouter.maxBodyValues - 2  // the object and the action are values too
        XCTAssertEqual(send("POST", "/functions/v1/tailscale-api", body: body(padding: fitting)).2?["error"]?.stringValue?.hasPrefix("Invalid action"), true)
        for padding in [fitting + 1, 7_600] {
            let (status, _, answer) = send("POST", "/functions/v1/tailscale-api", body: body(padding: padding))
            XCTAssertEqual(status, 400)
            XCTAssertEqual(answer, ["error": "Invalid JSON body"])
        }
    }

    func testTailscaleActionFromBodyOrQuery() {
        let invalid: JSONValue = ["error": "Invalid action. Valid actions: list-devices, check-device, generate-auth-key, validate-enrollment, sync-devices"]
        XCTAssertEqual(send("POST", "/functions/v1/tailscale-api", body: #"{"action":"nope"}"#).2, invalid)
        XCTAssertEqual(send("POST", "/functions/v1/tailscale-api", query: "action=nope").2, invalid)
        XCTAssertEqual(send("POST", "/functions/v1/tailscale-api", body: "{}").2, invalid)
        XCTAssertEqual(send("POST", "/functions/v1/tailscale-api", body: #"{"action":7}"#).2, invalid)
        let (status, _, _) = send("POST", "/functions/v1/tailscale-api", body: #"{"action":"list-devices"}"#, query: "action=sync-devices")
        XCTAssertEqual(status, 400)
    }

    func testMissingAndInvalidAuthentication() {
        XCTAssertEqual(send("POST", "/functions/v1/device-enrollment", body: #"{"action":"enroll"}"#).2,
                       ["error": "Authorization header required"])
        let (status, _, body) = send("POST", "/functions/v1/device-enrollment", body: #"{"action":"enroll"}"#,
                                     headers: ["Authorization": "Bearer not.a.jwt"])
        XCTAssertEqual(status, 401)
        XCTAssertEqual(body, ["error": "Invalid authentication"])
        XCTAssertEqual(send("POST", "/functions/v1/device-enrollment", body: "{}", headers: ["Authorization": "Basic abc"]).0, 401)
    }

    func testQueryStringDecoding() {
        XCTAssertEqual(QueryString.parse("action=check-device&x=a%20b+c&action=second&bad=%zz"),
                       ["action": "check-device", "x": "a b c", "bad": "%zz"])
    }

    func testBearerParsing() {
        XCTAssertEqual(Authenticator.bearerToken("Bearer abc"), "abc")
        XCTAssertEqual(Authenticator.bearerToken("bearer  abc "), "abc")
        XCTAssertNil(Authenticator.bearerToken("Bearer "))
        XCTAssertNil(Authenticator.bearerToken("Token abc"))
    }
}
