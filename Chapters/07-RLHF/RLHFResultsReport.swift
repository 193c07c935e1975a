import Core
import Foundation

/// Chapter 7's tables in the book, rendered from what `course run rlhf --algo ...` recorded in
/// runs/rlhf/<algo>/ (summary.json, metrics.csv, config.json, done.json) and, when it was run,
/// runs/rlhf/overoptimisation/points.json.
public enum RLHFResultsReport {
    /// The algorithms in the order the tables list them (the chain's two first).
    static let order: [RLHFRun.Algo] = [.ppoRM, .grpo, .ppo, .drGRPO, .grpoRM]

    static func label(_ a: RLHFRun.Algo) -> String {
        switch a {
        case .ppoRM: "PPO"
        case .grpo: "GRPO"
        case .ppo: "PPO on the rule grader"
        case .drGRPO: "Dr. GRPO"
        case .grpoRM: "GRPO on the reward model"
        }
    }

    /// runs/rlhf -> results.md (SFT and every finished algorithm), results-heldout.md (the dev
    /// prompts' scores at every evaluation), results-diagnostics.md (the training statistics by
    /// window of steps), and results-overoptimisation.md when that study has finished.
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        var files: [ResultsFile] = []
        let algos = order.filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent("\($0.rawValue)/done.json").path) }
        if !algos.isEmpty {
            let dirs = algos.map { dir.appendingPathComponent($0.rawValue) }
            let footer = try RunProvenance.common(dirs).line(commands: algos.map { "course run rlhf --algo \($0.rawValue)" }) + "\n"
            let runs = try zip(algos, dirs).map { a, d in
                (a, try readJSON(RLHFRun.Summary.self, from: d.appendingPathComponent("summary.json").path),
                 try CSVTable.read(path: d.appendingPathComponent("metrics.csv").path), d.appendingPathComponent("metrics.csv").path)
            }
            files.append(ResultsFile("results.md", summary(runs.map { ($0.0, $0.1) }) + "\n" + footer))
            files.append(ResultsFile("results-heldout.md", try heldOut(runs.map { ($0.0, $0.2, $0.3) }) + "\n" + footer))
            files.append(ResultsFile("results-diagnostics.md", try diagnostics(runs.map { ($0.0, $0.2, $0.3) }) + "\n" + footer))
        }
        let study = dir.appendingPathComponent("overoptimisation")
        if FileManager.default.fileExists(atPath: study.appendingPathComponent("done.json").path) {
            let points = try readJSON([OveroptimisationStudy.Point].self, from: study.appendingPathComponent("points.json").path)
            let footer = try RunProvenance.read(study).line("course run rlhf --variant overoptimisation") + "\n"
            files.append(ResultsFile("results-overoptimisation.md", overoptimisation(points) + "\n" + footer))
        }
        return files
    }

    /// SFT and each algorithm after training, on the same dev prompts: grader on greedy and on
    /// sampled replies, finished replies, KL to the SFT model, and what the training cost.
    static func summary(_ runs: [(RLHFRun.Algo, RLHFRun.Summary)]) -> String {
        var md = "| model | trained on | grader, greedy | grader, sampled (T = 1) | finished | KL to SFT (nats per reply) | training (s) | rollout tokens per second |\n"
        md += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        // Every run grades the SFT model on the same prompts with the same seed: one SFT row,
        // unless the runs disagree (then one per run, so nothing is hidden).
        let first = runs[0].1
        let same = runs.allSatisfy { $0.1.sftGrader == first.sftGrader && $0.1.sftSampledGrader == first.sftSampledGrader }
        for (a, s) in same ? [runs[0]] : runs {
            md += "| SFT\(same ? "" : " (graded by the \(label(a)) run)") | – | \(Cell.number(s.sftGrader, 3)) | \(Cell.number(s.sftSampledGrader, 3)) "
            md += "| \(Cell.percent(s.sftFinished)) | \(Cell.number(s.sftKL, 2)) | – | – |\n"
        }
        for (a, s) in runs {
            md += "| \(label(a)) | \(s.reward) | \(Cell.number(s.finalGrader, 3)) | \(Cell.number(s.finalSampledGrader, 3)) "
            md += "| \(Cell.percent(s.finalFinished)) | \(Cell.number(s.finalKL, 2)) | \(Cell.number(s.trainingSeconds, 0)) "
            md += "| \(Cell.number(s.rolloutTokensPerSecond, 0)) |\n"
        }
        md += "\n\(first.steps) steps; graded on \(first.heldOutPrompts) dev prompts; grader: the rule grader's mean overall score (0 to 1). "
        md += "KL: sampled replies, summed over each reply's tokens and averaged over the replies.\n"
        return md
    }

    /// The held-out evaluations a run logs every few steps (step 0 is the SFT model).
    static func heldOut(_ runs: [(RLHFRun.Algo, CSVTable, String)]) throws -> String {
        var md = "| algorithm | step | grader, greedy | grader, sampled | KL to SFT (nats per reply) | reward-model score |\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for (a, m, file) in runs {
            let step = try m.column("step", file: file), g = try m.column("eval_grader", file: file)
            let sampled = try m.column("eval_sampled_grader", file: file), kl = try m.column("eval_kl", file: file)
            let rm = try m.column("eval_reward", file: file)
            for i in step.indices where !g[i].isNaN {
                md += "| \(label(a)) | \(Int(step[i])) | \(Cell.number(g[i], 3)) | \(Cell.number(sampled[i], 3)) | \(Cell.number(kl[i], 2)) "
                md += "| \(rm[i].isNaN ? "–" : Cell.number(rm[i], 2)) |\n"
            }
        }
        md += "\nThe reward-model score is measured for the runs that train on it.\n"
        return md
    }

    /// Means of the training statistics over windows of steps (one window per evaluation
    /// interval): whether the policy's entropy, the clipping and the KL coefficient β moved.
    static func diagnostics(_ runs: [(RLHFRun.Algo, CSVTable, String)]) throws -> String {
        var md = "| algorithm | steps | reward | entropy (nats per token) | clip fraction | approx. KL | β | reply length (tokens) | finished |\n"
        md += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for (a, m, file) in runs {
            let step = try m.column("step", file: file)
            let cols = try ["reward", "entropy", "clip_fraction", "approx_kl", "beta", "reply_length", "finished"].map { try m.column($0, file: file) }
            let rows = step.indices.filter { step[$0] > 0 && !cols[0][$0].isNaN }
            let graded = try m.column("eval_grader", file: file)
            let evalSteps = step.indices.filter { step[$0] > 0 && !graded[$0].isNaN }
            let window = max(evalSteps.first.map { Int(step[$0]) } ?? 10, 1)
            let groups = Dictionary(grouping: rows) { (Int(step[$0]) - 1) / window }
            for k in groups.keys.sorted() {
                let idx = groups[k]!
                func mean(_ c: Int) -> Double {
                    let v = idx.map { cols[c][$0] }.filter { !$0.isNaN }
                    return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
                }
                let lo = Int(step[idx.first!]), hi = Int(step[idx.last!])
                md += "| \(label(a)) | \(lo)–\(hi) | \(Cell.number(mean(0), 3)) | \(Cell.number(mean(1), 3)) | \(Cell.percent(mean(2), 1)) "
                md += "| \(Cell.number(mean(3), 4)) | \(Cell.number(mean(4), 4)) | \(Cell.number(mean(5), 0)) | \(Cell.percent(mean(6))) |\n"
            }
        }
        md += "\nMeans over the steps of each window. Reward: what the algorithm optimised (its own scale); β: the KL coefficient "
        md += "(PPO's, moved by the adaptive controller; GRPO's is fixed).\n"
        return md
    }

    /// The over-optimisation study: proxy (reward model) and gold (grader) on sampled replies,
    /// against the KL to the SFT model.
    static func overoptimisation(_ points: [OveroptimisationStudy.Point]) -> String {
        var md = "| step | KL to SFT (nats per reply) | reward-model score (proxy) | grader (gold) |\n| ---: | ---: | ---: | ---: |\n"
        for p in points {
            md += "| \(p.step) | \(Cell.number(p.kl, 1)) | \(Cell.number(p.rewardModel, 2)) | \(Cell.number(p.grader, 3)) |\n"
        }
        md += "\nMeans over two sampled replies per dev prompt; step 0 is the SFT model.\n"
        return md
    }
}
