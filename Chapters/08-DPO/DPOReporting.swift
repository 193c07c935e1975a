import Core
import Foundation
import Plot
import SupportDesk

/// Text and plots of Chapter 8's runs.
enum DPOReporting {
    static let flaws = Flaw.allCases.map(\.rawValue)

    static func line(_ r: PolicyReport) -> String {
        let rates = flaws.map { String(format: "%@ %.0f%% (%.2f/reply)", $0, 100 * (r.flawRates[$0] ?? 0), r.flawCounts[$0] ?? 0) }
            .joined(separator: ", ")
        var out = String(format: "%@: grader %.3f  KL %.3f  win vs SFT %.0f%%  finished %.0f%%  flaw rates (greedy): %@",
                         r.name, r.overall, r.kl ?? .nan, 100 * (r.winRate ?? .nan), 100 * r.finished, rates)
        if let s = r.sampled {
            out += String(format: "\n    sampled (T = 1): grader %.3f  finished %.0f%%  flaw rates: ", s.overall, 100 * s.finished)
                + flaws.map { String(format: "%@ %.0f%% (%.2f/reply)", $0, 100 * (s.flawRates[$0] ?? 0), s.flawCounts[$0] ?? 0) }
                    .joined(separator: ", ")
        }
        return out
    }

    /// How far the SFT model already ranks each kind of pair before any training: the mean of
    /// log π_ref(chosen) − log π_ref(rejected) by flaw, in nats. A large gap means the SFT model
    /// would hardly ever write the rejected reply; DPO still pushes it further down.
    static func referenceGaps(_ pairs: [PreparedPair]) {
        let byFlaw = Dictionary(grouping: pairs.filter { $0.flaw != nil }, by: { $0.flaw! })
        guard !byFlaw.isEmpty else { return }
        let gaps = flaws.compactMap { f in
            byFlaw[f].map { ps in
                String(format: "%@ %.1f", f, ps.map { $0.referenceChosen - $0.referenceRejected }.reduce(0, +) / Float(ps.count))
            }
        }
        print("the SFT model already ranks the pairs: mean log π_ref(chosen) − log π_ref(rejected), nats: " + gaps.joined(separator: ", "))
    }

    static func samples(_ items: [EvalItem], sft: DPOSetup.Graded, policy: DPOSetup.Graded, name: String, to url: URL) throws {
        var md = "# Held-out prompts: SFT model vs \(name)\n\n"
        for i in 0..<min(4, items.count) {
            md += "## Prompt \(i + 1) (\(items[i].truth.scenario.rawValue))\n\n"
            md += "**Customer:** " + (items[i].prompt.last?.content ?? "").replacingOccurrences(of: "\n", with: " · ") + "\n\n"
            for (who, g) in [("SFT", sft), (name, policy)] {
                md += String(format: "**%@** (grader %.2f%@):\n\n> %@\n\n", who, g.grades[i].overall,
                             g.grades[i].findings.isEmpty ? "" : "; " + g.grades[i].findings.joined(separator: "; "),
                             g.replies[i].isEmpty ? "(empty)" : g.replies[i].replacingOccurrences(of: "\n", with: "\n> "))
            }
        }
        try AtomicFile.write(md, to: url)
    }

    /// A Markdown table of every variant (the comparison run's summary). Flaw cells: the share
    /// of replies showing the flaw, and in brackets the grader's findings of that kind per reply.
    static func table(_ reports: [PolicyReport]) -> String {
        var md = "| variant | grader | KL (nats/token) | win rate vs SFT | " + flaws.joined(separator: " | ") + " | finished |\n"
        md += "|" + String(repeating: "---|", count: 5 + flaws.count) + "\n"
        for r in reports {
            md += String(format: "| %@ | %.3f | %.3f | %.0f%% | ", r.name, r.overall, r.kl ?? .nan, 100 * (r.winRate ?? .nan))
            md += flaws.map { String(format: "%.0f%% (%.2f)", 100 * (r.flawRates[$0] ?? 0), r.flawCounts[$0] ?? 0) }.joined(separator: " | ")
            md += String(format: " | %.0f%% |\n", 100 * r.finished)
        }
        md += "\nSampled replies (temperature 1, the replies the KL is measured on):\n\n"
        md += "| variant | grader | " + flaws.joined(separator: " | ") + " | finished |\n"
        md += "|" + String(repeating: "---|", count: 3 + flaws.count) + "\n"
        for r in reports {
            guard let s = r.sampled else { continue }
            md += String(format: "| %@ | %.3f | ", r.name, s.overall)
            md += flaws.map { String(format: "%.0f%% (%.2f)", 100 * (s.flawRates[$0] ?? 0), s.flawCounts[$0] ?? 0) }.joined(separator: " | ")
            md += String(format: " | %.0f%% |\n", 100 * s.finished)
        }
        return md
    }
}

/// Chapter 8's figures: one run's training curves and grades, and the comparison charts.
enum DPOFigures {
    static func column(_ m: MetricsWriter, _ c: String) -> (x: [Double], y: [Double]) {
        let i = m.columns.firstIndex(of: c)!
        let r = m.rows.filter { !$0[i].isNaN }
        return (r.map { $0[0] }, r.map { $0[i] })
    }

    static func single(dir: URL, metrics: MetricsWriter, sft: PolicyReport, policy: PolicyReport) throws {
        func path(_ f: String) -> String { dir.appendingPathComponent(f).path }
        func line(_ name: String, _ c: String, smoothing: Double? = nil) -> LineSeries {
            let s = column(metrics, c)
            return LineSeries(name: name, x: s.x, y: s.y, smoothing: smoothing, marker: smoothing == nil ? .circle : nil)
        }
        var loss = LineChart(title: "\(policy.name): loss", xLabel: "step", yLabel: "loss")
        loss.add(line("train (batch)", "loss", smoothing: 0.8))
        if !column(metrics, "eval_loss").y.isEmpty { loss.add(line("held-out pairs", "eval_loss")) }
        try loss.write(to: path("loss.png"))

        var rewards = LineChart(title: "\(policy.name): implicit rewards (TRL rewards/chosen, rewards/rejected)", xLabel: "step",
                                yLabel: "reward")
        rewards.add(line("rewards/chosen (train)", "rewards_chosen", smoothing: 0.8))
        rewards.add(line("rewards/rejected (train)", "rewards_rejected", smoothing: 0.8))
        rewards.add(line("eval rewards/chosen", "eval_rewards_chosen"))
        rewards.add(line("eval rewards/rejected", "eval_rewards_rejected"))
        try rewards.write(to: path("rewards.png"))

        var margins = LineChart(title: "\(policy.name): held-out rewards/margins and rewards/accuracies", xLabel: "step", yLabel: "value")
        margins.add(line("eval rewards/margins", "eval_rewards_margins"))
        margins.add(line("eval rewards/accuracies", "eval_rewards_accuracies"))
        try margins.write(to: path("margins.png"))

        let criteria = ["overall", "structure", "facts", "tone", "grounded", "no over-promise"]
        func values(_ r: PolicyReport) -> [Double] { [r.overall, r.structure, r.facts, r.tone, r.grounded, r.noOverPromise] }
        var g = BarChart(title: "Grader on \(policy.prompts) held-out prompts: SFT vs \(policy.name)", yLabel: "score",
                         categories: criteria, yRange: 0...1.2, showValues: true)
        g.add(BarSeries(name: "SFT", values: values(sft)))
        g.add(BarSeries(name: policy.name, values: values(policy)))
        try g.write(to: path("grader.png"))

        try flawChart([sft, policy]).write(to: path("flaws.png"))
        try flawCountChart([sft, policy]).write(to: path("flaw-counts.png"))
        try flawChart([sft, policy], sampled: true).write(to: path("flaws-sampled.png"))
    }

    static func flawCountChart(_ reports: [PolicyReport]) -> BarChart {
        let top = reports.flatMap { $0.flawCounts.values }.max() ?? 1
        var f = BarChart(title: "Grader findings of each flaw's kind per held-out reply (lower is better)", yLabel: "findings per reply",
                         categories: DPOReporting.flaws, yRange: 0...max(top * 1.15, 0.1), showValues: reports.count <= 3)
        for r in reports { f.add(BarSeries(name: r.name, values: DPOReporting.flaws.map { r.flawCounts[$0] ?? 0 })) }
        return f
    }

    /// Share of replies showing each flaw: greedy replies, or sampled ones (temperature 1).
    static func flawChart(_ reports: [PolicyReport], sampled: Bool = false) -> BarChart {
        let title = sampled ? "Sampled replies (T = 1) showing each flaw (lower is better)"
                            : "Share of held-out replies showing each flaw (lower is better)"
        var f = BarChart(title: title, yLabel: "share of replies", categories: DPOReporting.flaws, yRange: 0...1.2,
                         showValues: reports.count <= 3)
        for r in reports {
            let rates = sampled ? (r.sampled?.flawRates ?? [:]) : r.flawRates
            f.add(BarSeries(name: r.name, values: DPOReporting.flaws.map { rates[$0] ?? 0 }))
        }
        return f
    }
}
