import Core
import Foundation
import LoRA

/// Chapter 5's tables in the book, rendered from what `course run qlora` (or the chain) recorded
/// in runs/qlora/: results.json (chapter 4's configurations and QLoRA's), the QLoRA layers'
/// quantization.csv, memory_at_scale.json, config.json and done.json.
public enum QLoRAResultsReport {
    /// runs/qlora -> results.md (the comparison with the 4-bit row), results-quantization.md
    /// (how far the 4-bit base is from the Float32 one), results-memory.md (the 25M-parameter model).
    public static func render(_ dir: URL) throws -> [ResultsFile] {
        let provenance = try RunProvenance.read(dir)
        let settings = try readJSON(FineTuneStudy.Settings.self, from: dir.appendingPathComponent("config.json").path)
        let results = try LoRARun.results(in: dir)
        let command = settings == FineTuneStudy.settings(provenance.preset, scope: .chain) ? "course run all" : "course run qlora"
        let footer = provenance.line(command) + "\n"
        var files = [ResultsFile("results.md", LoRAResultsReport.table(results, settings: settings, bits: true) + "\n" + footer)]
        let layers = dir.appendingPathComponent("qlora-r\(settings.qloraRank)/quantization.csv")
        files.append(ResultsFile("results-quantization.md", try quantization(layers, results: results) + "\n" + footer))
        let scale = try readJSON([QLoRAReport.ScaleRow].self, from: dir.appendingPathComponent("memory_at_scale.json").path)
        files.append(ResultsFile("results-memory.md", memory(scale) + "\n" + footer))
        return files
    }

    /// The spread of the per-layer quantisation error, and the held-out loss of the untrained
    /// model on a Float32 and on a 4-bit base (the LoRA and QLoRA rows' loss before training).
    static func quantization(_ csv: URL, results: [FineTuneStudy.Result]) throws -> String {
        let rows = try layerRows(csv)
        guard !rows.isEmpty else { throw CourseError(file: csv.path, "no quantised layer in the file") }
        func range(_ k: KeyPath<LayerRow, Double>, _ scale: Double, _ digits: Int, _ unit: String) -> String {
            let v = rows.map { $0[keyPath: k] * scale }
            return "\(Cell.number(v.min()!, digits))\(unit) to \(Cell.number(v.max()!, digits))\(unit)"
        }
        let worst = rows.max { $0.maxError < $1.maxError }!
        var md = "| measurement (\(rows.count) linear layers, NF4 with double quantisation) | value |\n| --- | --- |\n"
        md += "| relative error ‖W − Ŵ‖/‖W‖ per layer | \(range(\.relative, 100, 1, " %")) |\n"
        md += "| signal-to-noise ratio per layer | \(range(\.snr, 1, 1, " dB")) |\n"
        md += "| RMSE per layer | \(range(\.rmse, 1, 4, "")) |\n"
        md += "| largest single error | \(Cell.number(worst.maxError, 3)) (in `\(worst.layer)`) |\n"
        if let bits = try allLayersBits(csv) { md += "| storage of the linear weights | \(Cell.number(bits, 3)) bits per parameter |\n" }
        if let q = results.last(where: { $0.method == .qlora }),
           let f32 = results.first(where: { $0.method == .lora && $0.rank == q.rank && $0.modulesToSave == nil }) {
            md += "| held-out loss before training, Float32 base (\(LoRAResultsReport.label(f32))) | \(Cell.number(f32.evalLossBefore, 3)) |\n"
            md += "| held-out loss before training, 4-bit base (\(LoRAResultsReport.label(q))) | \(Cell.number(q.evalLossBefore, 3)) |\n"
        }
        return md
    }

    struct LayerRow { var layer: String; var rmse, maxError, relative, snr: Double }

    /// quantization.csv: layer,parameters,rmse,max_abs_error,relative_error,snr_db,bits_per_parameter;
    /// the last row ("all linear layers") has only the count and the bits.
    static func layerRows(_ csv: URL) throws -> [LayerRow] {
        try cells(csv).compactMap { line, c in
            guard !c[4].isEmpty else { return nil }
            guard let rmse = Double(c[2]), let maxError = Double(c[3]), let rel = Double(c[4]), let snr = Double(c[5]) else {
                throw CourseError(file: csv.path, line: line, "expected numbers in columns 3 to 6")
            }
            return LayerRow(layer: c[0], rmse: rmse, maxError: maxError, relative: rel, snr: snr)
        }
    }

    static func allLayersBits(_ csv: URL) throws -> Double? {
        try cells(csv).first { $0.1[4].isEmpty }.flatMap { Double($0.1[6]) }
    }

    /// The rows after the header, each with its line number and 7 cells.
    static func cells(_ csv: URL) throws -> [(Int, [String])] {
        guard let text = try? String(contentsOf: csv, encoding: .utf8) else { throw CourseError(file: csv.path, "cannot read file") }
        return try text.split(separator: "\n").enumerated().dropFirst().map { i, l in
            let c = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c.count == 7 else { throw CourseError(file: csv.path, line: i + 1, "expected 7 columns, found \(c.count)") }
            return (i + 1, c)
        }
    }

    /// Full fine-tuning, LoRA and QLoRA on the larger model: what is held when training starts,
    /// the peak, and the formula's weights + gradients + AdamW moments.
    static func memory(_ rows: [QLoRAReport.ScaleRow]) -> String {
        var md = "| method (\(grouped(rows.first?.parameters ?? 0))-parameter GPT-2) | trainable | held at the start of training (MB) | peak (MB) | weights + gradients + AdamW by formula (MB) | step time (s) |\n"
        md += "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        for r in rows {
            md += "| \(r.method) | \(grouped(r.trainable)) | \(Cell.number(r.rssAtStartMB, 0)) | \(Cell.number(r.peakAboveBaseMB, 0)) "
            md += "| \(Cell.number(r.formulaMB, 0)) | \(Cell.number(r.stepSeconds, 2)) |\n"
        }
        md += "\nMemory above the process's resident size before the model was built.\n"
        return md
    }
}
