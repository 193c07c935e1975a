import BookKit
import Core
import Evaluation
import Foundation
import Plot
import SupportDesk

/// The run report: one table of every model on every metric with 95% bootstrap intervals,
/// win rates against SFT, the key plots, replies side by side, and a short reading.
struct Report {
    let results: [ModelMeasurements]
    let items: [EvalItem]
    let candidates: [EvaluationRun.Candidate]
    let contaminated: Int
    let evalSize: Int
    let judge: (([Message], String) -> Double)?
    let preset: Preset
    let seed: UInt64
    let minutes: Double
    /// The policy change the run's world carries ("" for the shop as generated), for the history.
    var world = ""
    /// The report's fixed words, in the run's language.
    var text = ReportText.en

    func ci(_ x: [Double]) -> Statistics.Interval { Statistics.bootstrapMean(x, seed: seed) }
    func pct(_ x: Double) -> String { x.isNaN ? "–" : String(format: "%.0f%%", 100 * x) }
    func num(_ x: Double, _ f: String = "%.3f") -> String { x.isNaN ? "–" : String(format: f, x) }
    var sft: ModelMeasurements? { results.first { $0.name == "sft" } }

    struct WinRate { var model: String; var judge: String; var interval: Statistics.Interval }

    var winRates: [WinRate] {
        guard let sft else { return [] }
        var out: [WinRate] = []
        for r in results where r.name != "sft" {
            // One seed: the interval over seeds and prompts is the bootstrap over prompts (`ci`).
            out.append(WinRate(model: r.name, judge: "grader", interval: Statistics.winRateInterval([r.overall], against: [sft.overall], seed: seed).interval))
            if let judge {
                let a = zip(items, r.replies).map { judge($0.prompt, $1) }
                let b = zip(items, sft.replies).map { judge($0.prompt, $1) }
                out.append(WinRate(model: r.name, judge: "reward model", interval: Statistics.winRateInterval([a], against: [b], seed: seed).interval))
            }
        }
        return out
    }

    /// The headline table (chapter 9 includes it): every model's grader score with its interval,
    /// the criteria, hallucination, safety, over-refusal and the grader's win rate against SFT.
    var headline: String {
        let wins = Dictionary(winRates.filter { $0.judge == "grader" }.map { ($0.model, $0.interval.text) }) { a, _ in a }
        var md = "| model | grader overall | structure | facts | tone | hallucination rate | safety | over-refusal | win rate vs SFT (grader) |\n"
        md += "|---|---|---|---|---|---|---|---|---|\n"
        for r in results {
            md += "| \(r.name) | \(ci(r.overall).text) | \(pct(Statistics.mean(r.scores(.structure)))) | \(pct(Statistics.mean(r.scores(.facts)))) "
            md += "| \(pct(Statistics.mean(r.scores(.tone)))) | \(pct(r.hallucinationRate)) | \(pct(Statistics.mean(r.safety))) | \(pct(r.overRefusal)) "
            md += "| \(r.name == "sft" ? "–" : wins[r.name] ?? "–") |\n"
        }
        return md + "\n" + String(format: "Preset `%@`, seed %llu (one seed), %d test prompts; brackets: 95%% bootstrap intervals over prompts.\n",
                                  preset.rawValue, seed, items.count)
    }

    var markdown: String {
        let t = text
        var md = t.title + "\n\n" + t.intro(preset.rawValue, seed, items.count, evalSize, minutes) + "\n\n"
        md += t.models + "\n\n" + t.modelColumns + "\n|---|---|\n"
        for c in candidates { md += "| \(c.name) | \(t.about[c.name] ?? c.about) |\n" }
        md += "\n" + t.results + "\n\n" + t.resultColumns + "\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in results {
            md += "| \(r.name) | \(ci(r.overall).text) | \(pct(Statistics.mean(r.scores(.structure)))) | \(pct(Statistics.mean(r.scores(.facts)))) "
            md += "| \(pct(Statistics.mean(r.scores(.tone)))) | \(pct(r.hallucinationRate)) | \(pct(Statistics.mean(r.finished.map { $0 ? 1 : 0 }))) "
            md += "| \(num(r.perplexity, "%.2f")) | \(num(r.klToSFT)) | \(pct(Statistics.mean(r.safety))) | \(pct(r.overRefusal)) | \(num(r.meanLength, "%.0f")) |\n"
        }
        md += "\n" + t.resultLegend + "\n\n"
        if let kinds = results.first?.safetyByKind.map(\.kind), !kinds.isEmpty {
            md += t.safetyByKind + "\n\n| " + t.model + " | " + kinds.map(\.rawValue).joined(separator: " | ") + " |\n"
            md += "|---|" + String(repeating: "---|", count: kinds.count) + "\n"
            for r in results { md += "| \(r.name) | " + r.safetyByKind.map { pct($0.rate) }.joined(separator: " | ") + " |\n" }
            // Why a reply failed: the behaviour (refusing, not leaking or giving in) apart from
            // the copying (quoting a date or id that is not in the prompt).
            md += "\n" + t.safetyBehaviour + "\n\n" + t.safetyBehaviourColumns + "\n|---|---|---|---|\n"
            for r in results {
                func share(_ p: (String) -> Bool) -> String { pct(Statistics.mean(r.safetyFindings.map { $0.contains(where: p) ? 1 : 0 })) }
                md += "| \(r.name) | " + pct(Statistics.mean(r.safetyFindings.map { $0.contains("no refusal or limitation stated") ? 0 : 1 }))
                md += " | " + share { $0.hasPrefix("leaked") || $0.hasPrefix("gave in") } + " | " + share { $0.hasPrefix("invented") } + " |\n"
            }
            md += "\n"
        }
        let wr = winRates
        if !wr.isEmpty {
            md += t.winRate + "\n\n" + t.winRateLegend + "\n\n" + t.winRateColumns + "\n|---|---|---|\n"
            for w in wr { md += "| \(w.model) | \(t.judges[w.judge] ?? w.judge) | \(w.interval.text) |\n" }
            md += "\n"
        }
        if let s = sft, !s.passAtK.isEmpty {
            md += t.passAtK + "\n\n"
            md += s.passAtK.keys.sorted().map { "pass@\($0) = \(num(s.passAtK[$0]!))" }.joined(separator: ", ") + "\n\n"
        }
        md += t.checks + "\n\n" + t.contamination(contaminated, evalSize, contaminated == 0) + "\n"
        if let judge, !results.isEmpty {
            let all = results.flatMap { r in zip(items, r.replies).map { ($0, $1) } }
            let corr = Statistics.correlation(all.map { judge($0.0.prompt, $0.1) }, all.map { Double($0.1.count) })
            md += t.lengthBias(corr, all.count) + "\n"
        }
        md += "\n" + t.figures + "\n\n![\(t.scoresAlt)](evaluation/scores.png)\n\n"
        if !wr.isEmpty { md += "![\(t.winRateAlt)](evaluation/winrate.png)\n\n" }
        md += t.sideBySide + "\n\n"
        for i in 0..<min(3, items.count) {
            md += t.prompt(i + 1, items[i].truth.scenario.rawValue) + "\n\n"
            md += "> " + items[i].prompt.map(\.content).joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "\n> ") + "\n\n"
            for r in results where i < r.replies.count {
                md += String(format: "**%@** (%@ %.2f): ", r.name, t.graderTag, r.grades[i].overall)
                md += (r.replies[i].isEmpty ? t.empty : r.replies[i].replacingOccurrences(of: "\n", with: " ")) + "\n\n"
            }
        }
        md += t.reading + "\n\n" + reading + "\n"
        return md
    }

    /// A few sentences drawn from the numbers (never claimed beyond what the intervals show).
    var reading: String {
        var lines: [String] = []
        if let base = results.first(where: { $0.name == "base" }), let s = sft {
            lines.append(text.sftReading(pct(Statistics.mean(base.scores(.structure))), pct(Statistics.mean(s.scores(.structure))),
                                         pct(Statistics.mean(base.scores(.facts))), pct(Statistics.mean(s.scores(.facts)))))
        }
        if let l = results.first(where: { $0.name == "lora-r16" }), let q = results.first(where: { $0.name == "qlora-r16" }) {
            // Paired over prompts: the same prompt's score under each model.
            let d = ci(zip(q.overall, l.overall).map { $0 - $1 })
            lines.append(text.qloraReading(num(Statistics.mean(q.overall)), num(Statistics.mean(l.overall)), d.estimate, d.low, d.high))
        }
        for w in winRates {
            let verdict = w.interval.low > 0.5 ? text.better : (w.interval.high < 0.5 ? text.worse : text.tied)
            lines.append(text.winReading(w.model, text.judges[w.judge] ?? w.judge, w.interval.text, verdict))
        }
        if let best = results.max(by: { Statistics.mean($0.overall) < Statistics.mean($1.overall) }) {
            lines.append(text.bestReading(best.name, num(Statistics.mean(best.overall)), pct(best.hallucinationRate)))
        }
        return lines.joined(separator: "\n")
    }

    var summary: String {
        results.map { $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " grader %@  structure %@  facts %@  hallucination %@", ci($0.overall).text,
                             pct(Statistics.mean($0.scores(.structure))), pct(Statistics.mean($0.scores(.facts))), pct($0.hallucinationRate)) }
            .joined(separator: "\n")
    }

    /// Every model's replies to the adversarial prompts, with what the scorer found, two per kind.
    var safetyReplies: String {
        guard let first = results.first else { return "" }
        var md = text.safetyTitle + "\n\n"
        var shown: [AdversarialKind: Int] = [:]
        for (i, kind) in first.safetyKinds.enumerated() where shown[kind, default: 0] < 2 {
            shown[kind, default: 0] += 1
            md += "## \(kind.rawValue)\n\n"
            for r in results where i < r.safetyReplies.count {
                md += "**\(r.name)** (\(r.safety[i] == 1 ? text.behaved : text.didNot + r.safetyFindings[i].joined(separator: "; "))):\n\n> "
                md += r.safetyReplies[i].replacingOccurrences(of: "\n", with: "\n> ") + "\n\n"
            }
        }
        return md
    }

    func write(runs: URL, dir: URL) throws {
        try AtomicFile.write(safetyReplies, to: dir.appendingPathComponent("safety-replies.md"))
        // Figures.
        var bars = BarChart(title: "Grader scores on held-out prompts", yLabel: "score", categories: ["overall", "structure", "facts", "tone", "grounded"], yRange: 0...1)
        for r in results {
            let crit: [[Double]] = [r.overall, r.scores(.structure), r.scores(.facts), r.scores(.tone), r.scores(.grounded)]
            let cis = crit.map { ci($0) }
            bars.add(BarSeries(name: r.name, values: cis.map(\.estimate), intervals: cis.map { $0.low...$0.high }))
        }
        try bars.write(to: dir.appendingPathComponent("scores.png").path)
        let wr = winRates
        if !wr.isEmpty {
            let judges = Array(Set(wr.map(\.judge))).sorted()
            let models = results.map(\.name).filter { $0 != "sft" }
            var chart = BarChart(title: "Win rate against SFT (0.5 = a tie)", yLabel: "win rate", categories: models, yRange: 0...1)
            chart.add(.horizontal(0.5, label: "0.5: as good as SFT"))
            for j in judges {
                let ws = models.map { m in wr.first { $0.model == m && $0.judge == j }?.interval ?? .init(estimate: .nan, low: .nan, high: .nan) }
                chart.add(BarSeries(name: j, values: ws.map(\.estimate), intervals: ws.map { $0.low.isNaN ? 0...0 : $0.low...$0.high }))
            }
            try chart.write(to: dir.appendingPathComponent("winrate.png").path)
        }
        // The report, Markdown and HTML, and the measurements for scripts.
        let md = markdown
        try AtomicFile.write(md, to: runs.appendingPathComponent("report.md"))
        try AtomicFile.write(StandalonePage.html(markdown: md, title: "SupportDesk run report", lang: text.lang), to: runs.appendingPathComponent("report.html"))
        try writeJSON(results.map { ResultRow($0) }, to: dir.appendingPathComponent("results.json"))
        try AtomicFile.write(headline, to: dir.appendingPathComponent("results.md"))
        // History: one line per evaluation, appended (never rewritten), for `course report --history`.
        var h: [String: Any] = ["date": ISO8601DateFormatter().string(from: Date()), "preset": preset.rawValue, "seed": seed]
        if !world.isEmpty { h["world"] = world }
        for r in results {
            h[r.name + ".overall"] = Statistics.mean(r.overall)
            h[r.name + ".facts"] = Statistics.mean(r.scores(.facts))
            h[r.name + ".hallucination"] = r.hallucinationRate
        }
        let line = String(decoding: try JSONSerialization.data(withJSONObject: h, options: [.sortedKeys]), as: UTF8.self)
        try LineAppender(path: runs.appendingPathComponent("history.jsonl").path).append(line: line)
    }

    /// The per-model numbers in machine-readable form.
    struct ResultRow: Codable {
        var model: String, overall: Double, structure: Double, facts: Double, tone: Double, grounded: Double
        var hallucinationRate: Double, perplexity: Double, klToSFT: Double?, safety: Double, overRefusal: Double, meanLength: Double
        init(_ r: ModelMeasurements) {
            model = r.name; overall = Statistics.mean(r.overall); structure = Statistics.mean(r.scores(.structure))
            facts = Statistics.mean(r.scores(.facts)); tone = Statistics.mean(r.scores(.tone)); grounded = Statistics.mean(r.scores(.grounded))
            hallucinationRate = r.hallucinationRate; perplexity = r.perplexity; klToSFT = r.klToSFT.isNaN ? nil : r.klToSFT
            safety = Statistics.mean(r.safety); overRefusal = r.overRefusal; meanLength = r.meanLength
        }
    }
}
