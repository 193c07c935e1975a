import Core
import Foundation
import Plot
import SupportDesk
import Transformer

/// Chapter 3's copying figures: how often each kind of fact is copied right, before and after
/// SFT (slots.png), and where the model looks when it writes a date (slot-attention.png).
public enum SlotFigures {
    /// One bar group per kind of fact, one bar per model: the share of slots copied right.
    public static func copyRates(_ models: [(name: String, summary: [SlotDiagnostic.Summary])], to url: URL) throws {
        let kinds = SlotDiagnostic.FactKind.allCases.filter { k in models.contains { $0.summary.contains { $0.kind == k } } }
        var chart = BarChart(title: "Copying facts into a reply (teacher-forced held-out replies)", xLabel: "kind of fact",
                             yLabel: "slots where the top choice is the right value", categories: kinds.map(\.rawValue),
                             yRange: 0...1.2, showValues: true)   // room above 1 for the legend
        for m in models {
            chart.add(BarSeries(name: m.name, values: kinds.map { k in m.summary.first { $0.kind == k }?.copied ?? .nan }))
        }
        try chart.write(to: url.path, width: 900, height: 500)
    }

    /// The attention of every head, at the position that predicts the first token of a date,
    /// over the tokens of the facts block (the system message). A head that copies puts its
    /// weight on the right date; a model that guesses spreads it or looks elsewhere.
    public static func dateAttention(_ model: GPT, _ template: ChatTemplate, item: EvalItem, to url: URL) throws {
        guard let located = SlotDiagnostic.locate(item, template),
              let (fact, slot) = located.slots.first(where: { SlotDiagnostic.kind(of: $0.0) == .date }) else { return }
        let ids = Array(located.ids[..<slot.lowerBound])             // up to the token before the date
        let systemEnd = template.encode(Array(item.prompt.prefix(1))).ids.count
        let query = ids.count - 1
        var rows: [[Double]] = [], labels: [String] = []
        for layer in 0..<model.config.layers {
            let w = model.attentionWeights(ids, layer: layer)            // [H, T, T]
            let t = ids.count
            for h in 0..<model.config.heads {
                rows.append((0..<systemEnd).map { Double(w.data[(h * t + query) * t + $0]) })
                labels.append("L\(layer + 1) H\(h + 1)")
            }
        }
        // The value's own tokens in the facts block are bracketed: where a copying head would look.
        let value = template.tokenizer.encode(" " + fact.value, allowSpecial: false)
        let start = (0...max(systemEnd - value.count, 0)).first { Array(ids[$0..<min($0 + value.count, ids.count)]) == value }
        let marked = start.map { $0..<($0 + value.count) } ?? 0..<0
        let tokens = (0..<systemEnd).map { k -> String in
            let t = template.tokenizer.decode([ids[k]]).replacingOccurrences(of: "\n", with: "\\n")
            return marked.contains(k) ? "[\(t)]" : t
        }
        let heat = Heatmap(title: "Where each head looks just before the reply writes \"\(fact.value)\" (brackets: its tokens in the facts)",
                           xLabel: "facts block (system message) tokens", yLabel: "layer, head", values: rows,
                           rowLabels: labels, columnLabels: tokens, colorBarLabel: "attention weight")
        try heat.write(to: url.path, width: max(900, 22 * tokens.count + 200), height: 260 + 22 * rows.count)
    }
}
