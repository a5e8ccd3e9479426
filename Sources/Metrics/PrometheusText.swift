/// The Prometheus text exposition format (version 0.0.4) of the stored series and of the
/// gauges read at scrape time.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Families without labels that read 0 until their first event, so that a scraper sees them.
    private static let presentFromStart = [MetricFamily.poolRespawns, .poolRecycles, .poolTimeouts]

    /// - Parameters:
    ///   - stored: the shared table's series (`MetricsTable.snapshot()`).
    ///   - scraped: series texts (`MetricFamily.series`) and values read for this scrape.
    public static func render(stored: [MetricSeries], scraped: [(series: String, value: Double)] = []) -> String {
        // Per family, each series' lines (a histogram's stay in bucket order); series sorted by text.
        var samples: [String: [(series: String, lines: [String])]] = [:]
        for series in stored {
            let (name, labels) = series.nameAndLabels
            guard let family = MetricFamily.all.first(where: { $0.name == name }) else { continue }
            switch family.kind {
            case .histogram:
                samples[family.name, default: []].append((series.text, histogramLines(family.name, labels: labels, values: series.values)))
                if family.name == MetricFamily.requestDuration.name {
                    let total = "\(MetricFamily.requests.name)\(braced(labels))"
                    samples[MetricFamily.requests.name, default: []].append((total, ["\(total) \(series.values[Metrics.countValue])"]))
                }
            case .counter, .gauge:
                samples[family.name, default: []].append((series.text, ["\(series.text) \(series.values[0])"]))
            }
        }
        for (text, value) in scraped {
            let name = text.prefix { $0 != "{" }
            samples[String(name), default: []].append((text, ["\(text) \(number(value))"]))
        }
        for family in presentFromStart where samples[family.name] == nil {
            samples[family.name] = [(family.name, ["\(family.name) 0"])]
        }
        var output = ""
        for family in MetricFamily.all {
            guard let series = samples[family.name] else { continue }
            output += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            for (_, lines) in series.sorted(by: { $0.series < $1.series }) {
                for line in lines { output += line + "\n" }
            }
        }
        return output
    }

    private static func histogramLines(_ name: String, labels: Substring, values: [UInt64]) -> [String] {
        let prefix = labels.isEmpty ? "" : labels + ","
        var cumulative: UInt64 = 0
        var lines = MetricFamily.latencyBuckets.enumerated().map { index, bound in
            cumulative += values[Metrics.firstBucketValue + index]
            return "\(name)_bucket{\(prefix)le=\"\(number(bound))\"} \(cumulative)"
        }
        lines.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(values[Metrics.countValue])")
        lines.append("\(name)_sum\(braced(labels)) \(number(Double(values[Metrics.sumValue]) / 1_000_000))")
        lines.append("\(name)_count\(braced(labels)) \(values[Metrics.countValue])")
        return lines
    }

    private static func braced(_ labels: Substring) -> String { labels.isEmpty ? "" : "{\(labels)}" }

    /// Whole numbers without a fraction, others as Swift prints them (a form Go and Python parse).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
