import ArgumentParser
import Core
import Ecosystem
import Foundation
import SupportDesk

/// `course export`: the fine-tuned model as a Hugging Face folder, its adapters as a PEFT
/// folder, and the built-in data as TRL-format JSONL, ready for transformers, PEFT and TRL.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as a Hugging Face folder, its adapters as a PEFT folder and the data as TRL JSONL.",
        discussion: "By default exports runs/sft/model (and runs/sft/adapter when the SFT run trained adapters) into export/.")

    @Option(help: "The folder of runs.") var runs: String = "runs"
    @Option(help: "The model folder to export (default: RUNS/sft/model).") var model: String?
    @Option(help: "An adapter folder to export beside it (default: RUNS/sft/adapter when it exists and --model is not given).") var adapter: String?
    @Option(help: "The output folder (replaced only when it holds an earlier export).") var out: String = "export"
    @Flag(help: "Leave out the data.") var noData = false
    @Option(help: "Language of the exported data: en or ja.") var lang: Language = .en
    @Option(help: "Size of the exported data: small, default or large.") var size: SizePreset = .default
    @Option(help: "Seed of the exported data.") var seed: UInt64 = 1

    func run() throws {
        let runsURL = URL(fileURLWithPath: runs)
        let modelURL = model.map { URL(fileURLWithPath: $0) } ?? runsURL.appendingPathComponent("sft/model")
        guard FileManager.default.fileExists(atPath: modelURL.appendingPathComponent("config.json").path) else {
            throw CourseError(file: modelURL.path, model == nil ? "no model yet: run `course run sft` first, or give --model" : "not a model folder (no config.json)")
        }
        var adapterURL = adapter.map { URL(fileURLWithPath: $0) }
        let runAdapter = runsURL.appendingPathComponent("sft/adapter")
        if adapterURL == nil, model == nil, FileManager.default.fileExists(atPath: runAdapter.appendingPathComponent("adapter_config.json").path) {
            adapterURL = runAdapter
        }
        var options = Export.Options(model: modelURL, adapter: adapterURL, out: URL(fileURLWithPath: out))
        (options.data, options.lang, options.size, options.seed) = (!noData, lang, size, seed)
        for line in try Export.run(options) { print(line) }
        print("wrote \(out)/ (load it with AutoModelForCausalLM.from_pretrained(\"\(out)/model\"); check it with scripts/check_export_with_transformers.py \(out))")
    }
}
