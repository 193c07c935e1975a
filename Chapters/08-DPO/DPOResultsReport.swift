import Core
import Foundation
import SupportDesk

/// Chapter 8's tables in the book, rendered from what the DPO runs recorded: the comparison of
/// `course run dpo --loss all` (runs/dpo/compare/comparison.json) when it has finished, else
/// every finished single run on the built-in pairs (runs/dpo/<loss>/report.json), each with
/// its config.json and done.json.
public enum DPOResultsReport {
    static func label(_ name: String) -> String {
        switch name {
        case "sft": "SFT"
        case "sigmoid": "sigmoid (DPO)"
        case "rpo": "rpo (DPO + SFT term)"
        case "self": "self (DPO on its own replies)"
        case "mended": "mended (DPO + its own replies mended)"
        default: name
        }
    }

    /// runs/dpo -> results.md (grader, KL, win rate per variant), results-flaws.md (the share
    /// of replies showing each flaw), results-pairs.md (the held-out pairs while training) and,
    /// after `--flaws` runs, results-flaw-study.md (`DPOFlawStudy`).
    /// Nothing when no DPO run has finished.
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        let (reports, folders, commands) = try recorded(dir)
        let study = try DPOFlawStudy.render(dir)   // the appendix's runs on the pairs of some flaws
        guard !reports.isEmpty else { return study }
        let footer = try RunProvenance.common(folders).line(commands: commands) + "\n"
        // Each variant's metrics.csv: in its own folder, or in the comparison's subfolder.
        let metrics = reports.dropFirst().map { r in
            (r.name, folders.count == 1 && folders[0].lastPathComponent == "compare"
                ? folders[0].appendingPathComponent(r.name).appendingPathComponent("metrics.csv")
                : dir.appendingPathComponent(r.name).appendingPathComponent("metrics.csv"))
        }
        return [ResultsFile("results.md", scores(reports) + "\n" + footer),
                ResultsFile("results-flaws.md", flaws(reports) + "\n" + footer),
                ResultsFile("results-pairs.md", pairAccuracy(reports) + (try pairs(metrics)) + "\n" + footer)] + study
    }

    /// The implicit reward as a judge of pairs, after training: held-out tenth and test pairs.
    static func pairAccuracy(_ reports: [PolicyReport]) -> String {
        let rows = reports.filter { $0.testPairAccuracy != nil }
        guard let n = rows.first?.testPairs else { return "" }
        var md = "| variant | held-out pairs ranked right | test pairs ranked right |\n| --- | ---: | ---: |\n"
        for r in rows {
            md += "| \(label(r.name)) | \(Cell.percent(r.heldOutPairAccuracy, 1)) | \(Cell.percent(r.testPairAccuracy, 1)) |\n"
        }
        md += "\nAfter training: the share of pairs whose chosen reply gets the higher implicit reward β·(log π − log π_ref), "
        md += "on the held-out tenth of the training pairs and on \(n) pairs built on the test prompts (product, plan and "
        md += "scenario combinations no training pair uses).\n\n"
        return md
    }

    /// TRL's held-out pair statistics at every evaluation of each variant: the implicit rewards
    /// β·(log π − log π_ref) of the chosen and the rejected replies, their margin and accuracy.
    static func pairs(_ runs: [(String, URL)]) throws -> String {
        var md = "| variant | step | loss | rewards/chosen | rewards/rejected | rewards/margins | rewards/accuracies |\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for (name, url) in runs {
            let m = try CSVTable.read(path: url.path)
            let cols = try ["step", "eval_loss", "eval_rewards_chosen", "eval_rewards_rejected", "eval_rewards_margins",
                            "eval_rewards_accuracies"].map { try m.column($0, file: url.path) }
            for i in cols[0].indices where !cols[3][i].isNaN {
                md += "| \(label(name)) | \(Int(cols[0][i])) | \(Cell.number(cols[1][i], 3)) | \(Cell.number(cols[2][i], 3)) "
                md += "| \(Cell.number(cols[3][i], 3)) | \(Cell.number(cols[4][i], 3)) | \(Cell.percent(cols[5][i], 1)) |\n"
            }
        }
        md += "\nOn the held-out preference pairs (every tenth pair); step 0 is the SFT model, where every implicit reward is 0.\n"
        return md
    }

    /// The SFT model's report first, then one per variant; the folders they come from and the
    /// commands that build them.
    static func recorded(_ dir: URL) throws -> ([PolicyReport], [URL], [String]) {
        let fm = FileManager.default
        let compare = dir.appendingPathComponent("compare")
        if fm.fileExists(atPath: compare.appendingPathComponent("done.json").path) {
            let reports = try readJSON([PolicyReport].self, from: compare.appendingPathComponent("comparison.json").path)
            return (reports, [compare], ["course run dpo --loss all"])
        }
        var reports: [PolicyReport] = [], folders: [URL] = [], commands: [String] = []
        for v in DPOVariant.allCases {
            let folder = dir.appendingPathComponent(v.rawValue)
            guard fm.fileExists(atPath: folder.appendingPathComponent("done.json").path) else { continue }
            let file = folder.appendingPathComponent("report.json").path
            let pair = try readJSON([String: PolicyReport].self, from: file)
            guard let sft = pair["sft"], let policy = pair[v.rawValue] else {
                throw CourseError(file: file, "expected the reports \"sft\" and \"\(v.rawValue)\"")
            }
            if let first = reports.first, first.prompts != sft.prompts || first.overall != sft.overall {
                throw CourseError(file: file, "graded on other prompts than \(folders[0].lastPathComponent); `course run dpo --loss all` grades every loss on the same ones")
            }
            if reports.isEmpty { reports.append(sft) }
            reports.append(policy)
            folders.append(folder)
            commands.append(try command(v, folder: folder))
        }
        return (reports, folders, commands)
    }

    /// The command that builds a single run's folder with the settings it recorded: the chain
    /// grades fewer prompts than `course run dpo` (chapter 9 grades its model again).
    static func command(_ v: DPOVariant, folder: URL) throws -> String {
        let provenance = try RunProvenance.read(folder)
        let s = try readJSON(DPORun.Settings.self, from: folder.appendingPathComponent("config.json").path)
        let chain = DPORun.settings(provenance.preset, seed: provenance.seed, variant: v, .init(inChain: true))
        let alone = DPORun.settings(provenance.preset, seed: provenance.seed, variant: v, .init())
        if v == .sigmoid, s.evalPrompts == chain.evalPrompts, chain.evalPrompts != alone.evalPrompts { return "course run all" }
        return "course run dpo" + (v == .sigmoid ? "" : " --loss \(v.rawValue)")
    }

    static func scores(_ reports: [PolicyReport]) -> String {
        var md = "| variant | grader, greedy | grader, sampled (T = 1) | KL to SFT (nats per token) | win rate vs SFT | finished |\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for r in reports {
            md += "| \(label(r.name)) | \(Cell.number(r.overall, 3)) | \(Cell.number(r.sampled?.overall, 3)) | \(Cell.number(r.kl, 3)) "
            md += "| \(Cell.percent(r.winRate)) | \(Cell.percent(r.finished)) |\n"
        }
        let n = reports.first?.prompts ?? 0
        md += "\nGraded on \(n) dev prompts: greedy replies, and one sampled reply per prompt (temperature 1, the replies the KL is "
        md += "measured on). Win rate: the share of prompts where the grader prefers the variant's greedy reply to the SFT model's, ties counting half.\n"
        return md
    }

    static func flaws(_ reports: [PolicyReport]) -> String {
        let names = Flaw.allCases.map(\.rawValue).filter { f in reports.contains { $0.flawRates[f] != nil } }
        var md = "| variant | " + names.joined(separator: " | ") + " |\n|---|" + names.map { _ in "---:|" }.joined() + "\n"
        for r in reports {
            md += "| \(label(r.name)) | " + names.map { f in
                "\(Cell.percent(r.flawRates[f] ?? 0)) (\(Cell.number(r.flawCounts[f] ?? 0, 2)))"
            }.joined(separator: " | ") + " |\n"
        }
        md += "\nShare of greedy replies showing each flaw, and in brackets the grader's findings of that kind per reply.\n"
        return md
    }
}
