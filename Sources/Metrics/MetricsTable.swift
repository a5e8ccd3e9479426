import Glibc
import CMetrics

/// The process's view of the host's metric series (`nv_metrics`, one shared-memory table that
/// `serve` creates before it starts any child and every child maps), so that what workers,
/// their threads and the supervisor count adds up in one place and outlives a worker.
public final class MetricsTable: @unchecked Sendable {
    /// Names the table's inherited descriptor in a child's environment.
    public static let descriptorVariable = "NEXUS_METRICS_FD"
    public static let valuesPerSeries = Int(NV_METRICS_VALUES)

    /// The table of this process: the one `serve` handed down, or a private one for a process
    /// started otherwise (by hand, under spawn-fcgi, in a unit test).
    public static let shared = MetricsTable()

    private let table: UnsafeMutablePointer<nv_metrics>

    private init() {
        let inherited = getenv(Self.descriptorVariable).flatMap { Int32(String(cString: $0)) }
        if let inherited, let mapped = nv_metrics_map(inherited) {
            table = mapped
        } else if let own = nv_metrics_private() {
            table = own
        } else {
            fatalError("cannot map memory for the metrics table")
        }
    }

    /// For `serve`, before anything counts: a new shared table, named in this process's own
    /// environment so that `shared` maps it here and every child it spawns inherits it.
    public static func createForChildren() -> Bool {
        let descriptor = nv_metrics_create()
        guard descriptor >= 0 else { return false }
        return setenv(descriptorVariable, String(descriptor), 1) == 0
    }

    /// The series named `text` (`name{labels}`), claimed on first use; nil when the table is full.
    func series(_ text: String) -> Int32? {
        var text = text
        let index = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                nv_metrics_series_index(table, Self.key(bytes), characters.baseAddress, UInt32(characters.count))
            }
        }
        return index >= 0 ? index : nil
    }

    func add(_ series: Int32, value: Int = 0, _ delta: UInt64 = 1) { nv_metrics_add(table, series, UInt32(value), delta) }
    func store(_ series: Int32, value: Int = 0, _ stored: UInt64) { nv_metrics_store(table, series, UInt32(value), stored) }
    func storeMax(_ series: Int32, value: Int = 0, _ stored: UInt64) { nv_metrics_store_max(table, series, UInt32(value), stored) }

    /// Every series in use, with its values as they are now.
    public func snapshot() -> [MetricSeries] {
        var text = [CChar](repeating: 0, count: Int(NV_METRICS_TEXT_BYTES))
        return (0..<Int32(NV_METRICS_SERIES)).compactMap { index in
            let length = nv_metrics_text(table, index, &text)
            guard length > 0 else { return nil }
            let name = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return MetricSeries(text: name, values: (0..<Self.valuesPerSeries).map { nv_metrics_load(table, index, UInt32($0)) })
        }
    }

    /// FNV-1a of the series text.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}

/// One series as stored: its text (`name{labels}`) and its raw values.
public struct MetricSeries: Equatable, Sendable {
    public let text: String
    public let values: [UInt64]

    public init(text: String, values: [UInt64]) {
        self.text = text
        self.values = values
    }

    /// The family name and the label part (without braces).
    var nameAndLabels: (name: Substring, labels: Substring) {
        guard let brace = text.firstIndex(of: "{") else { return (text[...], "") }
        return (text[..<brace], text[text.index(after: brace)..<text.index(before: text.endIndex)])
    }
}
