import Core
import DPO
import Evaluation
import Foundation
import SupportDesk

/// results.md of `course run dpo-controls`, written from the recorded files of one seed or
/// several: every model's greedy test replies (test-replies.json, judged here by
/// `DPOControlsRun.grade`: the strict grader, and the rule grader's flaw findings), its dev-prompt report (dev.json, for the KL) and its slot view
/// (slots.json). Intervals resample seeds, then prompts within each seed
/// (`Statistics.bootstrapSeedsAndPrompts`); with one seed they resample prompts only.
struct DPOControlsReport {
    let seeds: [UInt64]
    let preset: Preset
    let items: [EvalItem]
    let recorded: [DPOControlsRun.TestReplies]
    let dev: [[PolicyReport]]
    let slots: [[SlotChange.Row]]
    let pairs: PairSetSummary?
    /// grades[seed][model] = one judgement per test prompt.
    let grades: [[String: [DPOControlsRun.Judged]]]

    init(folders: [URL], seeds: [UInt64], spec: RunSpec) throws {
        (self.seeds, preset) = (seeds, spec.preset)
        recorded = try folders.map { try readJSON(DPOControlsRun.TestReplies.self, from: $0.appendingPathComponent("test-replies.json").path) }
        dev = try folders.map { try readJSON([PolicyReport].self, from: $0.appendingPathComponent("dev.json").path) }
        slots = try folders.map { try readJSON([SlotChange.Row].self, from: $0.appendingPathComponent("slots.json").path) }
        pairs = try? readJSON(PairSetSummary.self, from: folders[0].appendingPathComponent("pairs.json").path)
        let test = spec.builtInData(spec.quick ? .small : .default).test
        let byID = Dictionary(uniqueKeysWithValues: test.map { ($0.id, $0) })
        let ids = recorded[0].items
        for (r, f) in zip(recorded, folders) where r.items != ids || r.models.map(\.name) != recorded[0].models.map(\.name) {
            throw CourseError(file: f.appendingPathComponent("test-replies.json").path, "other test prompts or models than the first seed's")
        }
        items = try ids.map { id in
            guard let item = byID[id] else { throw CourseError("test prompt \(id) is not in the built-in data (was it recorded on another world?)") }
            return item
        }
        let items = items
        grades = recorded.map { r in
            Dictionary(uniqueKeysWithValues: r.models.map { m in (m.name, zip(m.replies, items).map { DPOControlsRun.grade($0, $1) }) })
        }
    }

    var models: [String] { recorded[0].models.map(\.name) }
    func about(_ m: String) -> String { recorded[0].models.first { $0.name == m }?.about ?? "" }

    /// Per seed, per prompt, a number read off a model's judgements.
    func values(_ model: String, _ f: (DPOControlsRun.Judged) -> Double) -> [[Double]] { grades.map { $0[model]!.map(f) } }
    func ci(_ x: [[Double]]) -> Statistics.Interval { Statistics.bootstrapSeedsAndPrompts(x, seed: 7) }
    func differences(_ model: String, _ f: (DPOControlsRun.Judged) -> Double) -> [[Double]] {
        zip(values(model, f), values("sft", f)).map { zip($0, $1).map { $0 - $1 } }
    }

    static func points(_ i: Statistics.Interval) -> String {
        String(format: "%+.0f pts [%+.0f, %+.0f]", 100 * i.estimate, 100 * i.low, 100 * i.high)
    }

    /// The strict grader's score, its change against SFT, the win rate and the pass rate; the
    /// rule grader's score; the KL on the dev prompts.
    var scoreTable: String {
        var md = "| model | what it trains | strict grader: score [95%] | change vs SFT [95%] | win rate vs SFT [95%] | passes [95%] "
        md += "| rule grader | finished | KL to SFT (dev, nats/token) |\n|---|---|---|---|---|---|---|---|---|\n"
        for m in models {
            let score = ci(values(m) { $0.strict.overall })
            let finished = Statistics.mean(recorded.map { r in Statistics.mean(r.models.first { $0.name == m }!.finished.map { $0 ? 1 : 0 }) })
            let kl = Statistics.mean(dev.map { d in d.first { $0.name == m }?.kl ?? .nan })
            md += "| \(m) | \(about(m)) | \(score.text) | "
            if m == "sft" {
                md += "– | – | "
            } else {
                let wins = Statistics.winRateInterval(values(m) { $0.strict.overall }, against: values("sft") { $0.strict.overall }, seed: 7).interval
                md += ci(differences(m) { $0.strict.overall }).text + " | " + wins.text + " | "
            }
            md += ci(values(m) { $0.strict.pass ? 1 : 0 }).text + " | "
            md += String(format: "%.3f | %.0f%% | %@ |\n", Statistics.mean(values(m) { $0.rule.overall }.map(Statistics.mean)), 100 * finished,
                         kl.isNaN ? "–" : String(format: "%.3f", kl))
        }
        return md
    }

    /// The share of test replies showing each flaw, and each model's change against SFT.
    var flawTable: String {
        let flaws = Flaw.allCases
        var md = "| model | " + flaws.map(\.rawValue).joined(separator: " | ") + " |\n|---|" + flaws.map { _ in "---|" }.joined() + "\n"
        for m in models {
            md += "| \(m) | " + flaws.map { f in
                let shows: (DPOControlsRun.Judged) -> Double = { PolicyEvaluation.shows(f, $0.rule) ? 1 : 0 }
                let rate = String(format: "%.1f%%", 100 * Statistics.mean(values(m, shows).map(Statistics.mean)))
                return m == "sft" ? rate : rate + " (" + Self.points(ci(differences(m, shows))) + ")"
            }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// Mean over seeds of each model's slot view.
    var slotTable: String {
        var rows: [SlotChange.Row] = []
        for r in slots[0] {
            let same = slots.compactMap { $0.first { $0.model == r.model && $0.kind == r.kind } }
            var mean = r
            mean.meanProbability = Statistics.mean(same.map(\.meanProbability))
            mean.copied = Statistics.mean(same.map(\.copied))
            rows.append(mean)
        }
        return SlotChange.table(rows)
    }

    var pairLine: String {
        guard let p = pairs else { return "Pairs: the built-in pairs.\n" }
        let builtIn = p.builtIn.values.reduce(0, +)
        var line = "Pairs (`--pairs \(p.pairs.rawValue)`, first seed): \(builtIn) built-in, \(p.mirror) mirror, \(p.onPolicy) on-policy slot-error pairs"
        if let s = p.slotErrors {
            line += " (from \(s.replies) SFT replies to \(s.prompts) training prompts: \(s.mendable) with a value to mend, \(s.capped) left out by the date cap)"
        }
        return line + (p.editedTokensOnly ? "; mirror and on-policy pairs scored on their edited tokens only.\n" : ".\n")
    }

    var seedsLine: String {
        let count = seeds.count == 1 ? "one seed (\(seeds[0])): the intervals resample prompts only and do not show how much another training seed would change"
            : "\(seeds.count) seeds (\(seeds.map(String.init).joined(separator: ", "))): the intervals resample seeds, then prompts within each seed"
        return "Preset `\(preset.rawValue)`, \(count). \(items.count) test prompts, greedy replies; the strict grader is the primary judge "
            + "(score: the mean of its six all-or-nothing criteria; passes: all six met), the rule grader's mean score beside it."
    }

    var markdown: String {
        var md = "### Scores\n\n" + scoreTable + "\n" + seedsLine + " Change and win rate are paired by prompt against the SFT model.\n\n"
        md += "### Flaws\n\nShare of test replies showing each flaw of the preference data, by the rule grader's findings; in brackets "
        md += "the change against SFT in percentage points with its 95% interval.\n\n" + flawTable
        md += "\n### At the fact slots\n\nMean probability of the correct value at each fact slot of the test prompts' reference replies "
        md += "(teacher-forced), and in brackets the share of slots where greedy decoding would copy it right"
        md += seeds.count > 1 ? "; mean over seeds.\n\n" : ".\n\n"
        md += slotTable + "\n" + pairLine
        return md
    }

    var summary: String { scoreTable + "\n" + flawTable }

    func write(to dir: URL) throws {
        try AtomicFile.write(markdown, to: dir.appendingPathComponent("results.md"))
    }
}
