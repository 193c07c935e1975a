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

    /// A Markdown table: one row per model, one column per kind of fact, each cell P(correct
    /// value) and the share of slots copied; the slot counts in the header.
    public static func table(_ rows: [Row]) -> String {
        let models = unique(rows.map(\.model)), kinds = unique(rows.map(\.kind))
        var md = "| model | " + kinds.map { k in "\(k) (\(rows.first { $0.kind == k }?.slots ?? 0) slots)" }.joined(separator: " | ") + " |\n"
        md += "|---|" + kinds.map { _ in "---|" }.joined() + "\n"
        for m in models {
            md += "| \(m) | " + kinds.map { k in
                rows.first { $0.model == m && $0.kind == k }.map { String(format: "%.4f (%.0f%%)", $0.meanProbability, 100 * $0.copied) } ?? "–"
            }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// slots.json and slots.png in `dir`.
    public static func write(_ rows: [Row], dir: URL, title: String) throws {
        try writeJSON(rows, to: dir.appendingPathComponent("slots.json"))
        try figure(rows, title: title).write(to: dir.appendingPathComponent("slots.png").path, width: 1000, height: 560)
    }

    /// One bar group per kind of fact, one bar per model: the probability the model leaves for a
    /// wrong value, 1 − P(correct value). A model that copies well puts nearly all its probability
    /// on the right value, so the correct value's own bars would all stand at 1; what is left over
    /// is where models differ.
    public static func figure(_ rows: [Row], title: String) -> BarChart {
        let models = unique(rows.map(\.model)), kinds = unique(rows.map(\.kind))
        let top = rows.map { 1 - $0.meanProbability }.filter(\.isFinite).max() ?? 1
        var chart = BarChart(title: "Probability left for a wrong value at each fact slot (\(title), teacher-forced reference replies)",
                             xLabel: "kind of fact", yLabel: "mean 1 − P(correct value) (lower is better)", categories: kinds,
                             yRange: 0...max(top * 1.35, 1e-3), showValues: models.count <= 3)   // room above for the legend
        for m in models {
            chart.add(BarSeries(name: m, values: kinds.map { k in rows.first { $0.model == m && $0.kind == k }.map { 1 - $0.meanProbability } ?? .nan }))
        }
        return chart
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}
