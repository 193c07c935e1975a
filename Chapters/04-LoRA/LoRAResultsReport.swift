import Core
import Foundation

/// Chapter 4's table in the book, rendered from what `course run lora` (or the chain) recorded
/// in runs/lora/: results.json (one result per configuration), config.json (the study's
/// settings) and done.json (preset and seed). Chapter 5 renders the same table with its QLoRA
/// row and the base weights' bits per parameter.
public enum LoRAResultsReport {
    /// runs/lora -> results.md.
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        let provenance = try RunProvenance.read(dir)
        let settings = try readJSON(FineTuneStudy.Settings.self, from: dir.appendingPathComponent("config.json").path)
        let results = try LoRARun.results(in: dir)
        let command = settings == FineTuneStudy.settings(provenance.preset, scope: .chain) ? "course run all" : "course run lora"
        return [ResultsFile("results.md", table(results, settings: settings, bits: false) + "\n" + provenance.line(command) + "\n")]
    }

    /// One row per configuration, in the order they trained. Grader in points (0-100); structure
    /// and facts as shares of replies and facts; eval loss in nats per reply token before and
    /// after training; peak memory above the process's baseline; CPU seconds per step (all threads).
    public static func table(_ results: [FineTuneStudy.Result], settings s: FineTuneStudy.Settings, bits: Bool) -> String {
        var md = "| configuration | trainable params | % of model | grader | structure | facts | eval loss before | eval loss after | peak above base (MB) | CPU per step (s) |"
        md += bits ? " base weights (bits/param) |\n" : "\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (bits ? " ---: |\n" : "\n")
        for r in results {
            md += "| \(label(r)) | \(grouped(r.trainable)) | \(Cell.number(r.trainablePercent, 1)) | \(Cell.number(100 * r.grader.overall, 1)) "
            md += "| \(Cell.percent(r.grader.structure)) | \(Cell.percent(r.grader.facts)) | \(Cell.number(r.evalLossBefore, 3)) "
            md += "| \(Cell.number(r.evalLoss, 3)) | \(Cell.number(r.peakAboveBaseMB, 0)) | \(Cell.number(r.stepCPUSeconds, 2)) |"
            md += bits ? " \(Cell.number(r.baseBitsPerParameter, 3)) |\n" : "\n"
        }
        md += "\n\(s.steps) steps of \(s.rowsPerBatch) packed rows per configuration; grader: mean overall score in points (0 to 100) "
        md += "on \(s.gradedPrompts) dev prompts, greedy replies of at most \(s.maxNewTokens) tokens; eval loss: nats per reply token "
        md += "on the dev conversations.\n"
        return md
    }

    /// "full fine-tuning", "LoRA r16", "LoRA r16 + wte", "QLoRA r16".
    public static func label(_ r: FineTuneStudy.Result) -> String {
        switch r.method {
        case .full: "full fine-tuning"
        case .lora: "LoRA r\(r.rank ?? 0)" + (r.modulesToSave.map { " + " + $0.joined(separator: ", ") } ?? "")
        case .qlora: "QLoRA r\(r.rank ?? 0)"
        }
    }
}
