import Core
import Foundation

/// How far two judges agree on the same A/B pairs: two labelling passes (the same person a week
/// later, or two colleagues), or a person and the grader. Raw agreement flatters a judge who
/// says "tie" or "A" most of the time; Cohen's κ subtracts the agreement two judges would reach
/// by chance with their own habits.
public enum Agreement {
    /// A verdict on one pair: model A's reply is better, model B's is, or neither.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case a, b, tie
    }

    // MARK: book cohens-kappa
    /// Cohen's κ of two judges' verdicts on the same pairs (x[i] and y[i] judge pair i):
    /// observed agreement p_o = share of pairs where they agree; chance agreement
    /// p_e = Σ_k p_x(k)·p_y(k), each judge's own share of verdict k; κ = (p_o − p_e)/(1 − p_e).
    /// κ is 1 for perfect agreement, 0 for what chance gives, negative below it; nil when
    /// p_e = 1 (both judges always gave the same single verdict: nothing to measure).
    public static func cohensKappa(_ x: [Verdict], _ y: [Verdict]) -> (observed: Double, chance: Double, kappa: Double?) {
        precondition(x.count == y.count && !x.isEmpty, "cohensKappa: two non-empty lists of the same length")
        let n = Double(x.count)
        let observed = Double(zip(x, y).filter { $0 == $1 }.count) / n
        var chance = 0.0
        for k in Verdict.allCases {
            chance += Double(x.filter { $0 == k }.count) / n * Double(y.filter { $0 == k }.count) / n
        }
        return (observed, chance, chance < 1 ? (observed - chance) / (1 - chance) : nil)
    }
    // MARK: end

    /// The grader as a judge: the reply with the higher overall score wins; within `tie`, neither.
    public static func graderVerdict(_ row: BlindComparison.Row, tie: Double = 0.02) -> Verdict {
        row.graderA > row.graderB + tie ? .a : row.graderB > row.graderA + tie ? .b : .tie
    }

    /// Model A's win rate in a pass (ties count half), with a 95% bootstrap interval over pairs.
    public static func winRate(_ rows: [BlindComparison.Row]) -> (rate: Double, interval: Statistics.Interval) {
        let outcomes = rows.map { $0.verdict == .a ? 1.0 : $0.verdict == .b ? 0 : 0.5 }
        return (Statistics.mean(outcomes), Statistics.bootstrapMean(outcomes))
    }

    /// The agreement table of one or two passes (files of `BlindComparison` rows). Pairs with
    /// identical replies are left out: every judge "agrees" on them, which says nothing.
    public static func report(_ passes: [(name: String, rows: [BlindComparison.Row])]) throws -> String {
        precondition((1...2).contains(passes.count))
        for p in passes.dropFirst() {
            if let r = p.rows.first, let first = passes[0].rows.first, (r.modelA, r.modelB) != (first.modelA, first.modelB) {
                throw CourseError(file: p.name, "judges \(r.modelA) vs \(r.modelB), but \(passes[0].name) judges \(first.modelA) vs \(first.modelB)")
            }
        }
        let judged = passes.map { p in (p.name, p.rows.filter { !$0.identical }) }
        var md = ""
        if let r = passes.first?.rows.first { md += "Model A: \(r.modelA); model B: \(r.modelB).\n\n" }
        md += "| pass | pairs | A better | B better | ties | A's win rate (95% interval) |\n|---|---|---|---|---|---|\n"
        for (name, rows) in judged {
            let w = winRate(rows)
            md += "| \(name) | \(rows.count) | \(rows.filter { $0.verdict == .a }.count) | \(rows.filter { $0.verdict == .b }.count) "
                + "| \(rows.filter { $0.verdict == .tie }.count) | " + String(format: "%.2f [%.2f, %.2f]", w.rate, w.interval.low, w.interval.high) + " |\n"
        }
        md += "\n| judges | pairs | agreement | by chance | Cohen's κ |\n|---|---|---|---|---|\n"
        func line(_ label: String, _ x: [Verdict], _ y: [Verdict]) {
            guard !x.isEmpty else { md += "| \(label) | 0 | – | – | – |\n"; return }
            let k = cohensKappa(x, y)
            md += "| \(label) | \(x.count) | " + String(format: "%.0f%% | %.0f%% | ", 100 * k.observed, 100 * k.chance)
                + (k.kappa.map { String(format: "%.2f", $0) } ?? "–") + " |\n"
        }
        if judged.count == 2 {
            let second = Dictionary(judged[1].1.map { ($0.id, $0.verdict) }, uniquingKeysWith: { _, last in last })
            let both = judged[0].1.filter { second[$0.id] != nil }
            line("\(judged[0].0) vs \(judged[1].0)", both.map(\.verdict), both.map { second[$0.id]! })
        }
        for (name, rows) in judged { line("\(name) vs grader", rows.map(\.verdict), rows.map { graderVerdict($0) }) }
        let identical = passes[0].rows.filter(\.identical).count
        md += "\nPairs whose two replies were identical (\(identical) in \(passes[0].name)) are left out. The grader prefers the reply "
            + "whose overall score is higher by more than 0.02.\n"
        return md
    }
}
