import Core
import Foundation
import Plot
import SFT
import SupportDesk
import Transformer

/// What preference training did where a reply must copy a value: chapter 3's slot diagnostic
/// (`SlotDiagnostic`) run on the SFT model and on each trained model, over the same reference
/// replies. For each kind of fact, the mean probability the model gives the whole correct value
/// at its slot (teacher-forced, given the correct text before it) and the share of slots where
/// every token of the value is its top choice. A rise means the model copies that kind of fact
/// more surely; a fall means the pairs took probability away from right values.
public enum SlotChange {
    public struct Row: Codable, Sendable, Equatable {
        public var model: String
        public var kind: String
        public var slots: Int
        /// Mean over slots of P(correct value).
        public var meanProbability: Double
        /// Share of slots whose value is the top choice at every token.
        public var copied: Double
    }

    /// Every model's rows, in the order of `models` and of `SlotDiagnostic.FactKind`.
    public static func measure(_ models: [(name: String, model: GPT)], _ template: ChatTemplate, items: [EvalItem]) -> [Row] {
        models.flatMap { m in
            SlotDiagnostic.summarise(SlotDiagnostic.measure(m.model, template, items: items)).map {
                Row(model: m.name, kind: $0.kind.rawValue, slots: $0.slots, meanProbability: $0.meanValueProbability, copied: $0.copied)
            }
        }
    }

    /// A Markdown table: one row per kind of fact, P(value) and the copied share per model.
    public static func table(_ rows: [Row]) -> String {
        let models = unique(rows.map(\.model)), kinds = unique(rows.map(\.kind))
        var md = "| kind of fact | slots | " + models.map { "\($0): P(value), copied" }.joined(separator: " | ") + " |\n"
        md += "|---|---|" + models.map { _ in "---|" }.joined() + "\n"
        for k in kinds {
            let n = rows.first { $0.kind == k }?.slots ?? 0
            md += "| \(k) | \(n) | " + models.map { m in
                rows.first { $0.model == m && $0.kind == k }.map { String(format: "%.3f, %.0f%%", $0.meanProbability, 100 * $0.copied) } ?? "–"
            }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// slots.json and slots.png in `dir`.
    public static func write(_ rows: [Row], dir: URL, title: String) throws {
        try writeJSON(rows, to: dir.appendingPathComponent("slots.json"))
        try figure(rows, title: title).write(to: dir.appendingPathComponent("slots.png").path, width: 1000, height: 560)
    }

    /// One bar group per kind of fact, one bar per model: the mean probability of the correct value.
    public static func figure(_ rows: [Row], title: String) -> BarChart {
        let models = unique(rows.map(\.model)), kinds = unique(rows.map(\.kind))
        var chart = BarChart(title: "Probability of the correct value at each fact slot (\(title), teacher-forced reference replies)",
                             xLabel: "kind of fact", yLabel: "mean P(correct value)", categories: kinds,
                             yRange: 0...1.2, showValues: models.count <= 4)   // room above 1 for the legend
        for m in models {
            chart.add(BarSeries(name: m, values: kinds.map { k in rows.first { $0.model == m && $0.kind == k }?.meanProbability ?? .nan }))
        }
        return chart
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}
