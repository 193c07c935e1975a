import Core
import Foundation
import Plot
import SFT
import Transformer

/// Chapter 4: fine-tune the pretrained model on the SFT task by full fine-tuning and by LoRA
/// at ranks 1, 4, 16, 64; compare them (`course run all` trains rank 16 only). Writes runs/lora/: config.json, results.json,
/// comparison.md / .csv, grader.png, memory.png, parameters.png, step_time.png, loss.png,
/// parameters.md (the rank-16 trainable-parameter report), and one folder per configuration
/// (metrics.csv, replies.md, adapter/ in PEFT's format).
public enum LoRARun {
    /// The results of a finished study folder.
    public static func results(in dir: URL) throws -> [FineTuneStudy.Result] {
        try readJSON([FineTuneStudy.Result].self, from: dir.appendingPathComponent("results.json").path)
    }

    /// Every configuration starts from the pretrained model in `base` (a model folder).
    public static func run(_ spec: RunSpec, settings s: FineTuneStudy.Settings, base modelDir: URL) throws {
        let dir = spec.dir
        let seed = spec.seed
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let task = FineTuneStudy.task(s, spec: spec)
        try writeParameterReport(modelDir: modelDir, settings: s, to: dir.appendingPathComponent("parameters.md"))

        var results: [FineTuneStudy.Result] = []
        func add(_ r: FineTuneStudy.Result) throws {
            results.append(r)
            try writeJSON(results, to: dir.appendingPathComponent("results.json"))
            print(String(format: "%@: grader %.1f, eval loss %.3f, %@ trainable, peak %.0f MB (%.0f above base), %.3f s/step",
                         StudyReport.label(r), 100 * r.grader.overall, r.evalLoss, grouped(r.trainable),
                         r.peakMB, r.peakAboveBaseMB, r.stepSeconds))
        }
        if s.includeFull {
            try add(FineTuneStudy.run("full", nil, rank: nil, settings: s, task: task, modelDir: modelDir, dir: dir, seed: seed))
        }
        for r in s.ranks {
            try add(FineTuneStudy.run("lora-r\(r)", .lora, rank: r, settings: s, task: task,
                                      modelDir: modelDir, dir: dir, seed: seed))
        }
        for r in s.embeddingRanks {
            try add(FineTuneStudy.run("lora-r\(r)-wte", .lora, rank: r, modulesToSave: ["wte"], settings: s, task: task,
                                      modelDir: modelDir, dir: dir, seed: seed))
        }
        try StudyReport.write(results, settings: s, dir: dir, notes: [
            "QLoRA is added to this table by `course run qlora` (runs/qlora/comparison.md).",
        ])
        print("wrote \(dir.path)/ (comparison.md, comparison.csv, plots)")
    }

    /// PEFT-style trainable-parameter report for the middle rank, with the per-tensor table.
    static func writeParameterReport(modelDir: URL, settings s: FineTuneStudy.Settings, to url: URL) throws {
        let (model, _) = try SFTRun.loadModel(modelDir)
        let r = s.ranks.contains(16) ? 16 : s.ranks[0]
        let config = LoRAConfig(rank: r, alpha: s.alphaPerRank * Float(r), targets: s.targets)
        LoRA.attach(to: model, config: config, seed: 0)
        let report = ParameterReport(model: model)
        print("LoRA r\(r) on \(s.targets.joined(separator: ", ")): \(report)")
        try AtomicFile.write("# LoRA r\(r): trainable parameters\n\n`\(report)`\n\n" + report.trainableTable, to: url)
    }
}
