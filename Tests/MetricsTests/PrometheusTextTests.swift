import XCTest
@testable import Metrics

final class PrometheusTextTests: XCTestCase {
    private func values(_ leading: [UInt64]) -> [UInt64] {
        leading + [UInt64](repeating: 0, count: MetricsTable.valuesPerSeries - leading.count)
    }

    func testCounterHasHelpTypeAndValue() {
        let text = PrometheusText.render(stored: [MetricSeries(text: #"nexus_tailscale_calls_total{endpoint="token"}"#, values: values([3]))])
        XCTAssertTrue(text.contains("""
            # HELP nexus_tailscale_calls_total Tailscale API calls, by endpoint (retries of one call count once)
            # TYPE nexus_tailscale_calls_total counter
            nexus_tailscale_calls_total{endpoint="token"} 3

            """))
    }

    func testHistogramBucketsAreCumulativeAndEndWithInfinity() {
        // count 4, sum 0.5 s; one in the first bucket (<= 1 ms), two in the 0.1 s bucket, one above 10 s.
        var raw = values([4, 500_000])
        raw[Metrics.firstBucketValue] = 1
        raw[Metrics.firstBucketValue + MetricFamily.latencyBuckets.firstIndex(of: 0.1)!] = 2
        let labels = #"function="health",action="none",status="200""#
        let text = PrometheusText.render(stored: [MetricSeries(text: "nexus_request_duration_seconds{\(labels)}", values: raw)])
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("# TYPE nexus_request_duration_seconds histogram"))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_bucket{\#(labels),le="0.001"} 1"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_bucket{\#(labels),le="0.05"} 1"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_bucket{\#(labels),le="0.1"} 3"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_bucket{\#(labels),le="10"} 3"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_bucket{\#(labels),le="+Inf"} 4"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_sum{\#(labels)} 0.5"#))
        XCTAssertTrue(lines.contains(#"nexus_request_duration_seconds_count{\#(labels)} 4"#))
        // The request counter comes from the same series.
        XCTAssertTrue(lines.contains(#"nexus_requests_total{\#(labels)} 4"#))
        let buckets = lines.filter { $0.hasPrefix("nexus_request_duration_seconds_bucket") }
        XCTAssertEqual(buckets.count, MetricFamily.latencyBuckets.count + 1)
        XCTAssertTrue(buckets.last!.contains(#"le="+Inf""#))
    }

    func testUnknownSeriesAreLeftOutAndPoolCountersReadZero() {
        let text = PrometheusText.render(stored: [MetricSeries(text: "something_else 1", values: values([1]))])
        XCTAssertFalse(text.contains("something_else"))
        XCTAssertTrue(text.contains("\nnexus_pool_recycles_total 0\n"))
        XCTAssertTrue(text.contains("\nnexus_pool_request_timeouts_total 0\n"))
    }

    func testScrapedGaugesAndNumbers() {
        let text = PrometheusText.render(stored: [], scraped: [
            (MetricFamily.inventoryAge.name, 1.25), (MetricFamily.devices.series([("status", "active")]), 7),
        ])
        XCTAssertTrue(text.contains("# TYPE nexus_inventory_age_seconds gauge\nnexus_inventory_age_seconds 1.25\n"))
        XCTAssertTrue(text.contains(#"nexus_devices{status="active"} 7"#))
    }

    func testLabelValuesAreEscaped() {
        XCTAssertEqual(MetricFamily.devices.series([("status", "a\"b\\c\nd")]), #"nexus_devices{status="a\"b\\c\nd"}"#)
    }

    func testTableCountsAndSnapshots() {
        // Names of this test's own: every test target of `swift test` shares the process's table.
        let endpoint = "unit_test_\(UInt32.random(in: 0...UInt32.max))"
        Metrics.tailscaleCall(endpoint)
        Metrics.tailscaleCall(endpoint)
        Metrics.observeRequest(function: "unit_test", action: endpoint, status: 200, seconds: 0.003)
        let snapshot = MetricsTable.shared.snapshot()
        let calls = snapshot.first { $0.text == #"nexus_tailscale_calls_total{endpoint="\#(endpoint)"}"# }
        XCTAssertEqual(calls?.values.first, 2)
        let request = snapshot.first { $0.text.hasPrefix("nexus_request_duration_seconds{") && $0.text.contains(endpoint) }
        XCTAssertEqual(request?.values[Metrics.countValue], 1)
        XCTAssertEqual(request?.values[Metrics.sumValue], 3000)
        XCTAssertEqual(request?.values[Metrics.firstBucketValue + MetricFamily.latencyBuckets.firstIndex(of: 0.005)!], 1)
    }
}
