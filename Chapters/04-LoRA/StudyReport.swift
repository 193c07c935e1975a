import Core
import Foundation
import Plot

/// The comparison table (Markdown + CSV) and plots of the fine-tuning study.
public enum StudyReport {
    public static func label(_ r: FineTuneStudy.Result) -> String {
        switch r.method {
        case .full: "full FT"
        case .lora: "LoRA r\(r.rank ?? 0)" + (r.modulesToSave.map { " + " + $0.joined(separator: ", ") } ?? "")
        case .qlora: "QLoRA r\(r.rank ?? 0)"
        }
    }

    static let csvColumns = ["config", "method", "rank", "trainable_params", "trainable_percent", "grader_overall",
                             "grader_structure", "grader_facts", "grader_tone", "finished", "eval_loss_before", "eval_loss",
                             "peak_rss_mb", "peak_above_base_mb", "rss_at_start_mb", "step_seconds", "step_cpu_seconds", "base_bits_per_param"]

    public static func write(_ results: [FineTuneStudy.Result], settings s: FineTuneStudy.Settings, dir: URL, notes: [String]) throws {
        // CSV: one row per configuration.
        var csv = csvColumns.joined(separator: ",") + "\n"
        for r in results {
            let g = r.grader
            let fields: [String] = [r.name, r.method.rawValue, r.rank.map(String.init) ?? "", String(r.trainable),
                                    f(r.trainablePercent, 3), f(g.overall, 4), f(g.structure, 4), f(g.facts, 4), f(g.tone, 4),
                                    f(g.finished, 3), f(r.evalLossBefore, 4), f(r.evalLoss, 4), f(r.peakMB, 1),
                                    f(r.peakAboveBaseMB, 1), f(r.startMB, 1), f(r.stepSeconds, 3), f(r.stepCPUSeconds, 3), f(r.baseBitsPerParameter, 4)]
            csv += fields.joined(separator: ",") + "\n"
        }
        try AtomicFile.write(csv, to: dir.appendingPathComponent("comparison.csv"))

        // Markdown: the table the book quotes.
        var md = "# Fine-tuning study: full fine-tuning, LoRA, QLoRA\n\n"
        md += "Same pretrained model, same SFT data and steps (\(s.steps) steps of \(s.rowsPerBatch) packed rows), "
        md += "learning rate \(s.fullLearningRate) (full) / \(s.adapterLearningRate) (adapters), alpha = \(f(Double(s.alphaPerRank), 0))·r, "
        md += "adapters on \(s.targets.joined(separator: ", ")). Grader: mean overall score on \(s.gradedPrompts) held-out prompts "
        md += "(greedy, at most \(s.maxNewTokens) new tokens), in points (0-100).\n\n"
        md += "| configuration | trainable params | % of model | grader | structure | facts | eval loss | peak RSS (MB) | peak above base (MB) | step time (s) | CPU per step (s) | base weights (bits/param) |\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for r in results {
            md += "| \(label(r)) | \(grouped(r.trainable)) | \(f(r.trainablePercent, 2)) | \(f(100 * r.grader.overall, 1)) "
            md += "| \(f(100 * r.grader.structure, 0)) | \(f(100 * r.grader.facts, 0)) | \(f(r.evalLoss, 3)) "
            md += "| \(f(r.peakMB, 0)) | \(f(r.peakAboveBaseMB, 0)) | \(f(r.stepSeconds, 3)) | \(f(r.stepCPUSeconds, 3)) | \(f(r.baseBitsPerParameter, 3)) |\n"
        }
        md += "\nPeak memory: \(results.first?.peakSource ?? "-"); \"above base\" subtracts the process's resident size "
        md += "before the configuration loaded its model. Step time is wall-clock (it depends on what else the machine runs); CPU per step counts every thread of this process. Eval loss: mean cross-entropy on reply tokens of the held-out conversations.\n"
        for n in notes { md += "\n\(n)\n" }
        try AtomicFile.write(md, to: dir.appendingPathComponent("comparison.md"))
        try plots(results, dir: dir)
    }

    static func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func plots(_ results: [FineTuneStudy.Result], dir: URL) throws {
        let names = results.map(label)
        var g = BarChart(title: "Grader score on held-out prompts", yLabel: "overall score (points)", categories: names,
                         yRange: 0...100, showValues: true)
        g.add(BarSeries(name: "grader", values: results.map { 100 * $0.grader.overall }))
        try g.write(to: dir.appendingPathComponent("grader.png").path)

        var m = BarChart(title: "Peak memory while training (above the process baseline)", yLabel: "MB", categories: names, showValues: true)
        m.add(BarSeries(name: "peak RSS above base", values: results.map(\.peakAboveBaseMB)))
        try m.write(to: dir.appendingPathComponent("memory.png").path)

        var p = BarChart(title: "Trainable parameters", yLabel: "thousands", categories: names, showValues: true)
        p.add(BarSeries(name: "trainable", values: results.map { Double($0.trainable) / 1000 }))
        try p.write(to: dir.appendingPathComponent("parameters.png").path)

        var t = BarChart(title: "Time per training step", yLabel: "seconds", categories: names, showValues: true)
        t.add(BarSeries(name: "wall clock", values: results.map(\.stepSeconds)))
        t.add(BarSeries(name: "CPU (all threads)", values: results.map(\.stepCPUSeconds)))
        try t.write(to: dir.appendingPathComponent("step_time.png").path)

        // Training loss of every configuration (read back from each one's metrics.csv).
        var l = LineChart(title: "Training loss on reply tokens (means over 10 steps)", xLabel: "step", yLabel: "cross-entropy (nats/token)")
        for r in results {
            let path = folder(for: r, in: dir).appendingPathComponent("metrics.csv").path
            guard let table = try? CSVTable.read(path: path), let li = table.columns.firstIndex(of: "loss") else { continue }
            // Means over windows of 10 steps: readable lines (and a small PNG) without raw noise.
            let rows = table.rows.filter { !$0[li].isNaN }
            let windows = stride(from: 0, to: rows.count, by: 10).map { rows[$0..<min($0 + 10, rows.count)] }
            l.add(LineSeries(name: label(r), x: windows.map { $0.map { $0[0] }.reduce(0, +) / Double($0.count) },
                             y: windows.map { $0.map { $0[li] }.reduce(0, +) / Double($0.count) }))
        }
        try l.write(to: dir.appendingPathComponent("loss.png").path)
    }

    /// Where a configuration's files are: QLoRA rows live in runs/qlora, the others in runs/lora.
    static func folder(for r: FineTuneStudy.Result, in dir: URL) -> URL {
        let own = dir.appendingPathComponent(r.name)
        if FileManager.default.fileExists(atPath: own.path) { return own }
        let runs = dir.deletingLastPathComponent()
        return runs.appendingPathComponent(r.method == .qlora ? "qlora" : "lora").appendingPathComponent(r.name)
    }
}
