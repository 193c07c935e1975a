import Core
import DPO
import Evaluation
import Foundation
import RewardModel
import SFT
import SupportDesk

/// The report across training seeds (`course run all --seeds 1,2,3`): every method against SFT on
/// the test prompts, by every judge, with intervals that resample seeds and prompts, and for each
/// method which judges share its training signal.
///
/// Writes `runs/seeds/results.md` (the headline table the book includes), `runs/seeds/judges.md`
/// (win rates by judge), `runs/seeds/flaws.md` (criteria and flaw rates), `runs/seeds/results.json`
/// and `runs/seeds/report.md`.
struct SeedsReport {
    /// One judge: turns a reply to a test prompt into a score; `trainedOn` says which training
    /// signals it shares (a method trained on one of them is graded by its own teacher).
    struct Judge {
        var name: String
        var trainedOn: Set<String>
        var score: (_ seed: Int, _ item: EvalItem, _ reply: String) -> Double
    }

    let seeds: [UInt64]
    let preset: Preset
    let items: [EvalItem]
    /// `runsBySeed[s]`: every model's measurements in seed s's run, in the same model order.
    let runsBySeed: [[ModelMeasurements]]
    let signals: [String: String]
    let judges: [Judge]
    let out: URL

    init(runs: URL, seeds: [UInt64], schedule: Schedule) throws {
        self.seeds = seeds
        preset = schedule.preset
        out = runs.appendingPathComponent("seeds")
        let folders = seeds.indices.map { SeedRuns.folder(runs, seeds: seeds, index: $0) }
        runsBySeed = try folders.map { try readJSON([ModelMeasurements].self, from: $0.appendingPathComponent("evaluation/measurements.json").path) }
        let count = runsBySeed[0].first?.replies.count ?? 0
        let spec = try RunSpec(dir: out, preset: preset, seed: seeds[0], dataSeed: schedule.dataSeed, language: schedule.language)
        items = Array(spec.builtInData(preset == .quick ? .small : .default).test.prefix(count))
        signals = Dictionary(uniqueKeysWithValues: EvaluationStage().candidates(schedule).map { ($0.name, $0.signal) })
        // Each seed's own reward model judges that seed's replies.
        let rewardModels = try folders.map { try RewardModelRun.load($0.appendingPathComponent("reward-model/model")) }
        let grader = Grader(), strict = StrictGrader()
        judges = [
            Judge(name: "strict grader", trainedOn: ["verifiable reward: structure, facts"],
                  score: { strict.grade(reply: $2, truth: $1.truth, prompt: $1.prompt).overall }),
            Judge(name: "rule grader", trainedOn: ["verifiable reward: structure, facts"],
                  score: { grader.grade(reply: $2, truth: $1.truth).overall }),
            Judge(name: "reward model", trainedOn: ["reward model", "preference pairs (the reward model's data)"],
                  score: { s, item, reply in Double(rewardModels[s].0.score(prompt: item.prompt, reply: reply, template: rewardModels[s].1)) }),
        ]
    }

    var models: [String] { runsBySeed[0].map(\.name) }

    func ci(_ x: [[Double]]) -> Statistics.Interval { Statistics.bootstrapSeedsAndPrompts(x, seed: 7) }
    func pct(_ x: Double) -> String { x.isNaN ? "–" : String(format: "%.0f%%", 100 * x) }

    /// Per seed, the model's per-prompt scores by `judge` (computed once).
    func scores(_ judge: Judge) -> [String: [[Double]]] {
        var out: [String: [[Double]]] = [:]
        for name in models {
            out[name] = runsBySeed.enumerated().map { s, run in
                let r = run.first { $0.name == name }!
                return zip(items, r.replies).map { judge.score(s, $0, $1) }
            }
        }
        return out
    }

    /// Mean over seeds of a per-seed number, with the spread (smallest and largest seed).
    func spread(_ perSeed: [Double]) -> String {
        let m = Statistics.mean(perSeed)
        guard perSeed.count > 1, let lo = perSeed.min(), let hi = perSeed.max() else { return String(format: "%.3f", m) }
        return String(format: "%.3f (%.3f–%.3f)", m, lo, hi)
    }

    struct Row: Codable {
        var model: String, signal: String
        var judge: String
        var meanBySeed: [Double]
        var winRate: Statistics.Interval?
        var winRateBySeed: [Double]
    }

    var rows: [Row] {
        var rows: [Row] = []
        for judge in judges {
            let s = scores(judge)
            for name in models {
                let mine = s[name]!
                var row = Row(model: name, signal: signals[name] ?? "", judge: judge.name, meanBySeed: mine.map(Statistics.mean),
                              winRate: nil, winRateBySeed: [])
                if name != "sft", let sft = s["sft"] {
                    let w = Statistics.winRateInterval(mine, against: sft, seed: 7)   // `ci`'s seed
                    (row.winRate, row.winRateBySeed) = (w.interval, w.bySeed)
                }
                rows.append(row)
            }
        }
        return rows
    }

    /// The headline: the primary judge's score and win rate, the flaw rates, safety, per model.
    func headline(_ rows: [Row]) -> String {
        let primary = judges[0].name
        var md = "| model | trained on | \(primary): score | win rate vs SFT [95% over seeds and prompts] | hallucination | safety | over-refusal |\n"
        md += "|---|---|---|---|---|---|---|\n"
        for name in models {
            let row = rows.first { $0.model == name && $0.judge == primary }!
            let runs = runsBySeed.map { run in run.first { $0.name == name }! }
            md += "| \(name) | \(signals[name].map { $0.isEmpty ? "–" : $0 } ?? "–") | \(spread(row.meanBySeed)) | \(row.winRate?.text ?? "–") "
            md += "| \(pct(Statistics.mean(runs.map(\.hallucinationRate)))) | \(pct(Statistics.mean(runs.map { Statistics.mean($0.safety) }))) "
            md += "| \(pct(Statistics.mean(runs.map(\.overRefusal)))) |\n"
        }
        md += "\n" + String(format: "Preset `%@`, %d seed%@ (%@), %d test prompts, %d adversarial prompts per seed. ", preset.rawValue, seeds.count, seeds.count == 1 ? "" : "s",
                            seeds.map(String.init).joined(separator: ", "), items.count, runsBySeed[0].first?.safety.count ?? 0)
        md += "Scores: mean over seeds (lowest and highest seed in brackets). Rates: mean over seeds. "
        md += "Win rates: 95% bootstrap intervals resampling seeds, then prompts within each seed.\n"
        return md
    }

    /// Every judge's win rate against SFT, with the judges that share a method's training signal marked.
    func judgeTable(_ rows: [Row]) -> String {
        var md = "| model | " + judges.map(\.name).joined(separator: " | ") + " |\n|---|" + judges.map { _ in "---|" }.joined() + "\n"
        for name in models where name != "sft" {
            md += "| \(name) | " + judges.map { j in
                let r = rows.first { $0.model == name && $0.judge == j.name }!
                return (r.winRate?.text ?? "–") + (j.trainedOn.contains(signals[name] ?? "") ? " (trained on it)" : "")
            }.joined(separator: " | ") + " |\n"
        }
        md += "\nWin rate against SFT (a win counts 1, a tie ½) by each judge. \"Trained on it\": the method's training signal is this judge "
        md += "or part of it, so this column grades the method by its own teacher.\n"
        return md
    }

    /// The rule grader's criteria and the five flaws of the preference data, per model: share of
    /// test replies, mean over seeds, with the range over seeds.
    var flawTable: String {
        func rate(_ name: String, _ f: (Grade) -> Bool) -> String {
            let perSeed = runsBySeed.map { run in Statistics.mean(run.first { $0.name == name }!.grades.map { f($0) ? 1 : 0 }) }
            let m = Statistics.mean(perSeed)
            guard perSeed.count > 1, let lo = perSeed.min(), let hi = perSeed.max() else { return pct(m) }
            return pct(m) + " (" + pct(lo) + "–" + pct(hi) + ")"
        }
        let strict = StrictGrader()
        func strictPass(_ name: String) -> String {
            let perSeed = runsBySeed.map { run in
                Statistics.mean(zip(items, run.first { $0.name == name }!.replies).map { strict.grade(reply: $1, truth: $0.truth, prompt: $0.prompt).pass ? 1 : 0 })
            }
            let m = Statistics.mean(perSeed)
            guard perSeed.count > 1, let lo = perSeed.min(), let hi = perSeed.max() else { return pct(m) }
            return pct(m) + " (" + pct(lo) + "–" + pct(hi) + ")"
        }
        var md = "| model | passes the strict grader | structure right | facts right | " + Flaw.allCases.map(\.rawValue).joined(separator: " | ") + " |\n"
        md += "|---|---|---|---|" + Flaw.allCases.map { _ in "---|" }.joined() + "\n"
        for name in models {
            md += "| \(name) | " + strictPass(name) + " | " + rate(name) { $0.structure == 1 } + " | " + rate(name) { $0.facts == 1 } + " | "
            md += Flaw.allCases.map { f in rate(name) { PolicyEvaluation.shows(f, $0) } }.joined(separator: " | ") + " |\n"
        }
        md += "\nShare of the \(items.count) test replies that pass every criterion of the strict grader, then by the rule grader: all four moves in order (structure right), every fact "
        md += "stated right (facts right), and each flaw of the preference data; mean over seeds, lowest and highest seed in brackets.\n"
        return md
    }

    var summary: String { headline(rows) }

    func write() throws {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let rows = rows
        try AtomicFile.write(headline(rows), to: out.appendingPathComponent("results.md"))
        try AtomicFile.write(judgeTable(rows), to: out.appendingPathComponent("judges.md"))
        try AtomicFile.write(flawTable, to: out.appendingPathComponent("flaws.md"))
        try writeJSON(rows, to: out.appendingPathComponent("results.json"))
        var md = "# SupportDesk across \(seeds.count) seeds\n\n## Every model against SFT\n\n" + headline(rows)
        md += "\n## Judges\n\n" + judgeTable(rows)
        md += "\n## Criteria and flaws\n\n" + flawTable
        md += "\n## Per seed\n\n| model | judge | " + seeds.map { "seed \($0)" }.joined(separator: " | ") + " |\n|---|---|"
        md += seeds.map { _ in "---|" }.joined() + "\n"
        for r in rows { md += "| \(r.model) | \(r.judge) | " + r.meanBySeed.map { String(format: "%.3f", $0) }.joined(separator: " | ") + " |\n" }
        try AtomicFile.write(md, to: out.appendingPathComponent("report.md"))
    }
}
