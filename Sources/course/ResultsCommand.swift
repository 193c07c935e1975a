import ArgumentParser
import Core
import DPO
import Foundation
import LoRA
import QLoRA
import RewardModel
import RLHF

/// `course results RUNS [--out DIR]`: the book's result tables of chapters 4 to 8, rendered from
/// the files the finished stages recorded (no training, no model loaded). Each stage's tables
/// go to RUNS/<stage>/results*.md (or DIR/<stage>/ with --out), where
/// scripts/update-book-results.sh picks them up. The same recorded files give the same bytes.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Render the book's result tables (chapters 4-8) from a runs folder's recorded files.")

    @Argument(help: "The runs folder (e.g. runs, or runs/seed-2).") var runs: String
    @Option(help: "Write the tables to DIR/<stage>/ instead of into the runs folder.") var out: String?

    /// Each chapter's stage folder and its renderer (in the chapter's module).
    static let stages: [(folder: String, render: @Sendable (URL) throws -> [ResultsFile])] = [
        ("lora", LoRAResultsReport.render),
        ("qlora", QLoRAResultsReport.render),
        ("reward-model", RewardModelResultsReport.render),
        ("rlhf", RLHFResultsReport.render),
        ("dpo", DPOResultsReport.render),
    ]

    func run() throws {
        let root = URL(fileURLWithPath: runs)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw CourseError(file: runs, "no such folder (give the runs folder of a finished `course run`)")
        }
        let target = URL(fileURLWithPath: out ?? runs)
        var written = 0
        for (folder, render) in Self.stages {
            let dir = root.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: dir.path) else { print("\(folder): not run, skipped"); continue }
            let files = try render(dir)
            if files.isEmpty { print("\(folder): no finished run, skipped"); continue }
            for f in files {
                let url = target.appendingPathComponent(folder).appendingPathComponent(f.name)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(f.markdown, to: url)
                print("wrote \(url.path)")
                written += 1
            }
        }
        if written == 0 { throw CourseError(file: runs, "no finished stage of chapters 4 to 8 (run `course run all` first)") }
    }
}
