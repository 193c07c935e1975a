import Autograd
import Core
import Foundation
import LoRA
import Plot
import SFT
import Transformer

/// QLoRA's own figures: quantisation error per layer, where the weights fall among the 16 NF4
/// levels, and memory of full fine-tuning, LoRA and QLoRA on a model large enough for the
/// weights (not the activations) to dominate.
enum QLoRAReport {
    /// Per-layer error of the NF4 base (kept by each QLoRA layer) -> quantization.csv.
    static func writeLayerStats(_ model: GPT, to dir: URL) throws {
        var csv = "layer,parameters,rmse,max_abs_error,relative_error,snr_db,bits_per_parameter\n"
        for (name, _, q) in QLoRA.layers(of: model) {
            let s = q.stats
            csv += "\(name),\(s.count),\(s.rmse),\(s.maxAbsError),\(s.relativeError),\(s.snrDecibels),\(s.bitsPerParameter)\n"
        }
        let (bits, count) = QLoRA.quantizedStorage(of: model)
        csv += "all linear layers,\(count),,,,,\(Double(bits) / Double(count))\n"
        try AtomicFile.write(csv, to: dir.appendingPathComponent("quantization.csv"))
    }

    static func errorPlot(from csv: URL, to png: URL) throws {
        let text = try String(contentsOf: csv, encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .filter { $0.count == 7 && !$0[4].isEmpty }
        var chart = BarChart(title: "NF4 + double quantisation: error per layer", yLabel: "||W - Wq|| / ||W|| (%)",
                             categories: rows.map { String($0[0]).replacingOccurrences(of: "h.", with: "") })
        chart.add(BarSeries(name: "relative error", values: rows.map { 100 * (Double($0[4]) ?? 0) }))
        try chart.write(to: png.path, width: 900)
    }

    /// Every linear weight of the pretrained model divided by its block's absmax, before and
    /// after rounding to the NF4 levels.
    static func nf4Histogram(modelDir: URL, to png: URL) throws {
        let model = try GPT.load(directory: modelDir)
        var normalized: [Double] = [], rounded: [Double] = []
        for (_, layer) in model.linearLayers {
            let w = layer.weight.value
            let (packed, absmax) = NF4.quantize(w.array)
            packed.withUnsafeBufferPointer { p in
                for i in 0..<w.count {
                    let m = absmax[i / NF4.blockSize]
                    normalized.append(m > 0 ? Double(w.data[i] / m) : 0)
                    rounded.append(Double(NF4.code[NF4.unpack(p, i)]))
                }
            }
        }
        var h = Histogram(title: "Linear weights / block absmax, and their NF4 levels", xLabel: "value / absmax", bins: 96, density: true)
        h.add(HistogramSeries(name: "weights (Float32)", values: normalized))
        h.add(HistogramSeries(name: "after NF4 (16 levels)", values: rounded))
        try h.write(to: png.path)
    }

    struct ScaleRow: Codable {
        var method: String
        var parameters: Int
        var trainable: Int
        var peakAboveBaseMB: Double
        var rssAtStartMB: Double
        var formulaMB: Double
        var stepSeconds: Double
    }

    /// Full fine-tuning, LoRA r16 and QLoRA r16 on a randomly initialised 8-layer, 512-wide
    /// GPT-2 (25M parameters) for a few steps on a small batch: the weights, gradients and
    /// AdamW state dominate, so this shows what the methods save where it matters. Returns a
    /// Markdown paragraph for the comparison page.
    static func memoryAtScale(_ spec: RunSpec, vocab: Int, dir: URL) throws -> String {
        let quick = spec.quick
        let config = quick ? GPTConfig(vocabSize: vocab, contextLength: 64, embeddingSize: 64, layers: 2, heads: 2)
                           : GPTConfig(vocabSize: vocab, contextLength: 128, embeddingSize: 512, layers: 8, heads: 8)
        let (batch, steps) = quick ? (1, 1) : (2, 3)
        let t = config.contextLength
        var rng = SeededRandom(seed: spec.seed)
        let ids = (0..<(batch * (t + 1))).map { _ in rng.int(vocab) }
        var inputs: [Int] = [], targets: [Int] = []
        for b in 0..<batch { inputs += ids[(b * (t + 1))..<(b * (t + 1) + t)]; targets += ids[(b * (t + 1) + 1)...(b * (t + 1) + t)] }
        let lora = LoRAConfig(rank: 16, alpha: 32, targets: LoRAConfig.allLinear)
        var rows: [ScaleRow] = []
        for method in ["full fine-tuning", "LoRA r16", "QLoRA r16"] {
            ProcessMemory.trimHeap()
            let base = ProcessMemory.residentBytes ?? 0
            let model = GPT(config, seed: spec.seed)
            let total = model.parameters.reduce(0) { $0 + $1.value.count }
            let linear = model.linearLayers.reduce(0) { $0 + $1.1.weight.value.count }
            var params = model.parameters
            var formula = TrainingMemory.estimate(float32Frozen: 0, trainable: total).totalBytes
            if method == "LoRA r16" {
                params = LoRA.attach(to: model, config: lora, seed: spec.seed)
                let n = params.reduce(0) { $0 + $1.value.count }
                formula = TrainingMemory.estimate(float32Frozen: total, trainable: n).totalBytes
            } else if method == "QLoRA r16" {
                params = QLoRA.attach(to: model, config: lora, seed: spec.seed)
                let n = params.reduce(0) { $0 + $1.value.count }
                let (bits, q) = QLoRA.quantizedStorage(of: model)
                formula = TrainingMemory.estimate(float32Frozen: total - linear, quantized: q, bitsPerQuantized: Double(bits) / Double(q), trainable: n).totalBytes
            }
            // Under --mine the column is the learner's plan, from the configuration alone (5.4).
            if let mine = TrainingMemory.learnerPlan(config, rank: lora.rank, targets: lora.targets) {
                formula = Double(method == "full fine-tuning" ? mine.fullFineTuning : method == "LoRA r16" ? mine.lora : mine.qloraDoubleQuantization)
            }
            let optimizer = AdamW(params, learningRate: 1e-4, weightDecay: 0)
            ProcessMemory.trimHeap()
            ProcessMemory.resetPeak()
            let start = ProcessMemory.residentBytes ?? 0
            let time = measure {
                for _ in 0..<steps {
                    optimizer.zeroGrad()
                    model.loss(inputs, targets: targets, batch: batch).backward()
                    optimizer.step()
                }
            }
            let peak = ProcessMemory.peakBytes
            rows.append(ScaleRow(method: method, parameters: total, trainable: params.reduce(0) { $0 + $1.value.count },
                                 peakAboveBaseMB: FineTuneStudy.mb(peak - base), rssAtStartMB: FineTuneStudy.mb(start - base),
                                 formulaMB: formula / 1_048_576, stepSeconds: time / Double(steps)))
            print(String(format: "memory at scale, %@: peak %.0f MB above base (weights+grads+AdamW by the formula: %.0f MB), %.2f s/step",
                         method, rows.last!.peakAboveBaseMB, rows.last!.formulaMB, rows.last!.stepSeconds))
        }
        try writeJSON(rows, to: dir.appendingPathComponent("memory_at_scale.json"))
        var csv = "method,parameters,trainable,peak_above_base_mb,rss_at_start_above_base_mb,formula_mb,step_seconds\n"
        for r in rows {
            csv += "\(r.method),\(r.parameters),\(r.trainable),\(String(format: "%.1f", r.peakAboveBaseMB)),\(String(format: "%.1f", r.rssAtStartMB)),\(String(format: "%.1f", r.formulaMB)),\(String(format: "%.3f", r.stepSeconds))\n"
        }
        try AtomicFile.write(csv, to: dir.appendingPathComponent("memory_at_scale.csv"))
        var chart = BarChart(title: "Peak memory, \(grouped(rows[0].parameters))-parameter GPT-2, batch \(batch) x \(t) tokens",
                             yLabel: "MB", categories: rows.map(\.method), showValues: true)
        chart.add(BarSeries(name: "measured peak RSS above base", values: rows.map(\.peakAboveBaseMB)))
        chart.add(BarSeries(name: "weights + gradients + AdamW (formula)", values: rows.map(\.formulaMB)))
        try chart.write(to: dir.appendingPathComponent("memory_at_scale.png").path)
        var md = "Memory at scale (memory_at_scale.csv): a randomly initialised GPT-2 with \(config.layers) layers, width \(config.embeddingSize), "
        md += "\(grouped(rows[0].parameters)) parameters, \(steps) AdamW steps on a batch of \(batch)×\(t) tokens.\n\n"
        md += "| method | trainable | peak RSS above base (MB) | weights + grads + AdamW by formula (MB) | step time (s) |\n| --- | ---: | ---: | ---: | ---: |\n"
        for r in rows {
            md += String(format: "| %@ | %@ | %.0f | %.0f | %.2f |\n", r.method, grouped(r.trainable), r.peakAboveBaseMB, r.formulaMB, r.stepSeconds)
        }
        try AtomicFile.write(md, to: dir.appendingPathComponent("memory_at_scale.md"))
        return md
    }
}
