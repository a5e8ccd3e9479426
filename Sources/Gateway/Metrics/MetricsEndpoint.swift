import FastCGI
import Metrics

/// `GET /_nexus/metrics`: the host's metrics in Prometheus's text format. nginx passes this
/// path only from its loopback-only server (`nginx/nexus-vault-metrics.conf`); the public
/// site answers 404 for it.
struct MetricsEndpoint {
    static let path = "/_nexus/metrics"

    let services: Services

    func respond(to request: FastCGIRequest) -> FastCGIResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return FastCGIResponse(status: 405, headers: [("Allow", "GET, HEAD"), ("Content-Type", PrometheusText.contentType)])
        }
        let text = PrometheusText.render(stored: MetricsTable.shared.snapshot(), scraped: scrapedGauges())
        return FastCGIResponse(status: 200, headers: [("Content-Type", PrometheusText.contentType), ("Cache-Control", "no-store")],
                               body: Array(text.utf8))
    }

    /// The database's gauges, and whether they could be read (a scrape answers without them).
    private func scrapedGauges() -> [(series: String, value: Double)] {
        guard let gauges = try? ScrapeGauges.read(from: services.database) else {
            return [(MetricFamily.scrapeDatabaseUp.name, 0)]
        }
        var values: [(series: String, value: Double)] = [(MetricFamily.scrapeDatabaseUp.name, 1)]
        if let age = gauges.inventoryAgeSeconds { values.append((MetricFamily.inventoryAge.name, age)) }
        for (status, count) in gauges.devicesByStatus {
            values.append((MetricFamily.devices.series([("status", status)]), Double(count)))
        }
        return values
    }
}
