import Core
import Foundation
import SupportDesk

/// The appendix's study of which pairs do what, rendered from the recorded runs of
/// `course run dpo --flaws F` (runs/dpo/sigmoid-<flaws>/), next to the SFT model and the default
/// run on all the pairs (runs/dpo/sigmoid/). Every run grades the same dev prompts, so the rows
/// compare; a run graded on other prompts is an error naming its folder.
public enum DPOFlawStudy {
    /// The finished `--flaws` runs under `dir` (runs/dpo), in a reading order: groups of flaws
    /// first, then single flaws in the data's order.
    static func folders(_ dir: URL) -> [(flaws: [Flaw], folder: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let runs = names.compactMap { name -> ([Flaw], URL)? in
            guard name.hasPrefix("sigmoid-") else { return nil }
            let flaws = name.dropFirst("sigmoid-".count).split(separator: "+").map { Flaw(rawValue: String($0)) }
            guard !flaws.isEmpty, flaws.allSatisfy({ $0 != nil }) else { return nil }   // -pairs-…, -lora, …
            let folder = dir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("done.json").path) else { return nil }
            return (flaws.compactMap { $0 }, folder)
        }
        let order = Flaw.allCases
        return runs.sorted { a, b in
            a.0.count != b.0.count ? a.0.count > b.0.count
                : order.firstIndex(of: a.0[0])! < order.firstIndex(of: b.0[0])!
        }.map { (flaws: $0.0, folder: $0.1) }
    }

    /// results-flaw-study.md, or nothing when no `--flaws` run has finished.
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        let runs = folders(dir)
        guard !runs.isEmpty else { return [] }
        var rows: [(String, PolicyReport)] = []
        var used: [URL] = [], commands: [String] = []
        func add(_ label: String, _ folder: URL, command: String) throws {
            let file = folder.appendingPathComponent("report.json").path
            let pair = try readJSON([String: PolicyReport].self, from: file)
            guard let sft = pair["sft"], let policy = pair["sigmoid"] else {
                throw CourseError(file: file, "expected the reports \"sft\" and \"sigmoid\"")
            }
            if let first = rows.first?.1 {
                guard first.prompts == sft.prompts, first.overall == sft.overall else {
                    throw CourseError(file: file, "graded on other prompts than \(used[0].lastPathComponent); rebuild it with the same preset")
                }
            } else {
                rows.append(("none (the SFT model)", sft))
            }
            rows.append((label, policy))
            used.append(folder)
            commands.append(command)
        }
        let all = dir.appendingPathComponent("sigmoid")
        // The default run on all the pairs, unless the chain built it (the chain grades fewer prompts).
        if let p = try? RunProvenance.read(all),
           let s = try? readJSON(DPORun.Settings.self, from: all.appendingPathComponent("config.json").path),
           s.evalPrompts == DPORun.settings(p.preset, seed: p.seed, variant: .sigmoid, .init()).evalPrompts {
            try add("all (the default run)", all, command: "course run dpo")
        }
        for r in runs {
            let names = r.flaws.map(\.rawValue)
            try add(names.joined(separator: " + "), r.folder, command: "course run dpo --flaws \(names.joined(separator: ","))")
        }
        let flaws = Flaw.allCases.map(\.rawValue)
        var md = "| pairs trained on | grader | KL to SFT | win vs SFT | " + flaws.joined(separator: " | ") + " |\n"
        md += "|---|---:|---:|---:|" + flaws.map { _ in "---:|" }.joined() + "\n"
        for (label, r) in rows {
            md += "| \(label) | \(Cell.number(r.overall, 3)) | \(Cell.number(r.kl, 3)) | \(Cell.percent(r.winRate)) | "
            md += flaws.map { Cell.percent(r.flawRates[$0] ?? 0) }.joined(separator: " | ") + " |\n"
        }
        md += "\nGraded on \(rows[0].1.prompts) dev prompts, greedy replies; the flaw columns are the share of replies showing "
        md += "each flaw. Every run: sigmoid DPO, the same steps and learning rate, on the built-in pairs of those flaws only.\n\n"
        md += try RunProvenance.common(used).line(commands: commands) + "\n"
        return [ResultsFile("results-flaw-study.md", md)]
    }
}
