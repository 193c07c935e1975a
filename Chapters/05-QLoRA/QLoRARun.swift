import Core
import Foundation
import LoRA
import SFT
import Transformer

/// Chapter 5: QLoRA at rank 16 on the 4-bit (NF4, double-quantised) pretrained model, added to
/// Chapter 4's comparison. Writes runs/qlora/: config.json, results.json, comparison.md / .csv
/// with every configuration, the plots of the study, qlora-r16/ (metrics.csv, replies.md,
/// adapter/, quantization.csv), quantization_error.png, nf4_histogram.png, and
/// memory_at_scale.md / .csv / .png (the same three methods on a 25M-parameter model).
public enum QLoRARun {
    /// QLoRA on the 4-bit base: adapters over NF4 weights (double-quantised absmax); the
    /// configuration's folder gets the per-layer quantisation error (quantization.csv).
    public static var adaptation: FineTuneStudy.Adaptation {
        .init(method: .qlora, attach: { model, config, seed in
            let params = QLoRA.attach(to: model, config: config, doubleQuantization: true, seed: seed)
            let st = QLoRA.quantizedStorage(of: model)
            return (params, Double(st.bits) / Double(st.parameters))
        }, finish: { model, dir in try QLoRAReport.writeLayerStats(model, to: dir) })
    }

    /// `base`: the pretrained model folder; `lora`: Chapter 4's finished study folder, whose
    /// results the comparison extends.
    public static func run(_ spec: RunSpec, settings s: FineTuneStudy.Settings, base modelDir: URL, lora: URL) throws {
        let dir = spec.dir
        let earlier = try LoRARun.results(in: lora)
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let task = FineTuneStudy.task(s, spec: spec)

        let q = try FineTuneStudy.run("qlora-r\(s.qloraRank)", adaptation, rank: s.qloraRank, settings: s, task: task,
                                      modelDir: modelDir, dir: dir, seed: spec.seed)
        let results = earlier + [q]
        try writeJSON(results, to: dir.appendingPathComponent("results.json"))
        print(String(format: "%@: grader %.1f, eval loss %.3f (4-bit base before training %.3f), peak %.0f MB (%.0f above base), %.3f s/step, base weights %.3f bits/param",
                     StudyReport.label(q), 100 * q.grader.overall, q.evalLoss, q.evalLossBefore, q.peakMB, q.peakAboveBaseMB,
                     q.stepSeconds, q.baseBitsPerParameter))

        try QLoRAReport.nf4Histogram(modelDir: modelDir, to: dir.appendingPathComponent("nf4_histogram.png"))
        try QLoRAReport.errorPlot(from: dir.appendingPathComponent("qlora-r\(s.qloraRank)/quantization.csv"),
                                  to: dir.appendingPathComponent("quantization_error.png"))
        let scale = try QLoRAReport.memoryAtScale(spec, vocab: (try GPTConfig.load(path: modelDir.appendingPathComponent("config.json").path)).vocabSize,
                                                  dir: dir)
        try StudyReport.write(results, settings: s, dir: dir, notes: [scale])
        print("wrote \(dir.path)/ (comparison.md with every configuration, plots, memory_at_scale.md)")
    }
}
