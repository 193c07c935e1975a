import Core
import Foundation
import LoRA
import SFT
import SupportDesk
import Transformer

/// `course export`: what this kit trained, in the files the Hugging Face libraries read.
///
///     export/model/     the model (full, or adapters merged): AutoModelForCausalLM + AutoTokenizer
///     export/adapter/   the adapters, when the run trained some: PEFT's folder, with the tokenizer
///                       (AutoPeftModelForCausalLM grows the base's token table to match it)
///     export/data/      the built-in data as TRL-format JSONL, with its data card
///     export/logprobs_check.json   the kit's log-probs of one conversation, to compare
///                       (scripts/check_export_with_transformers.py)
///
/// The folder is written under a temporary name and renamed at the end; an existing folder is
/// replaced only when it holds an earlier export (it has export.json).
public enum Export {
    public struct Options: Sendable {
        public var model: URL
        public var adapter: URL?
        public var out: URL
        public var data: Bool = true
        public var lang: Language = .en
        public var size: SizePreset = .default
        public var seed: UInt64 = 1
        public init(model: URL, adapter: URL?, out: URL) { (self.model, self.adapter, self.out) = (model, adapter, out) }
    }

    /// What an export holds (written as export.json).
    struct Record: Codable { var model: String; var adapter: String?; var data: Bool; var lang: String }

    @discardableResult
    public static func run(_ o: Options) throws -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: o.out.path) && !fm.fileExists(atPath: o.out.appendingPathComponent("export.json").path) {
            throw CourseError(file: o.out.path, "exists and is not an earlier export; choose another --out or remove it")
        }
        let model = try GPT.load(directory: o.model)
        let tokenizer = try BPETokenizer.load(directory: o.model.path)
        var lines: [String] = []
        try FolderSwap.write(o.out) { out in
            let modelDir = out.appendingPathComponent("model")
            try fm.createDirectory(at: modelDir, withIntermediateDirectories: true)
            try HuggingFaceFolder.write(model, tokenizer: tokenizer, to: modelDir)
            lines.append("model/: \(grouped(model.config.parameterCount)) parameters, vocabulary \(tokenizer.vocabSize), chat template in tokenizer_config.json")
            if let adapter = o.adapter {
                let dir = out.appendingPathComponent("adapter")
                try exportAdapter(from: adapter, tokenizer: tokenizer, contextLength: model.config.contextLength, to: dir)
                lines.append("adapter/: PEFT LoRA adapter on \(try baseName(of: dir)), with the tokenizer")
            }
            if o.data {
                let dir = out.appendingPathComponent("data")
                let data = Dataset.generate(seed: o.seed, lang: o.lang, size: o.size)
                try data.write(to: dir)
                try DataCard(dataset: data, seed: o.seed, size: o.size).write(to: dir)
                lines.append("data/: sft \(data.sft.count), preferences \(data.preferences.count), unpaired \(data.unpaired.count), "
                             + "dev \(data.dev.count), test \(data.test.count) rows as TRL JSONL, datacard.md")
            }
            if let check = try logprobCheck(model, tokenizer) {
                try writeJSON(check, to: out.appendingPathComponent("logprobs_check.json"))
            }
            try writeJSON(Record(model: o.model.path, adapter: o.adapter?.path, data: o.data, lang: o.lang.rawValue),
                          to: out.appendingPathComponent("export.json"))
        }
        return lines
    }

    /// The adapter files as they are, the tokenizer beside them.
    static func exportAdapter(from src: URL, tokenizer: BPETokenizer, contextLength: Int, to dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in [LoRA.configFile, LoRA.weightsFile] {
            let from = src.appendingPathComponent(f)
            guard fm.fileExists(atPath: from.path) else { throw CourseError(file: from.path, "missing (an adapter folder holds \(LoRA.configFile) and \(LoRA.weightsFile))") }
            try fm.copyItem(at: from, to: dir.appendingPathComponent(f))
        }
        _ = try readJSON(PEFTAdapterConfig.self, from: dir.appendingPathComponent(LoRA.configFile).path)
        try HuggingFaceFolder.writeTokenizer(tokenizer, contextLength: contextLength, to: dir)
    }

    static func baseName(of adapter: URL) throws -> String {
        try readJSON(PEFTAdapterConfig.self, from: adapter.appendingPathComponent(LoRA.configFile).path).baseModelNameOrPath ?? "(base not named)"
    }

    /// The kit's log-probabilities of a held-out conversation (system, customer, reference
    /// reply) in the chat template: what transformers must reproduce from the exported files.
    public struct LogprobCheck: Codable {
        public var messages: [Message]
        public var inputIDs: [Int]
        /// logprobs[t] = log p(input_ids[t+1] | input_ids[...t]).
        public var logprobs: [Float]
        enum CodingKeys: String, CodingKey { case messages, inputIDs = "input_ids", logprobs }
    }

    public static func logprobCheck(_ model: GPT, _ tokenizer: BPETokenizer) throws -> LogprobCheck? {
        guard let template = try? ChatTemplate(tokenizer: tokenizer) else { return nil }
        let item = Dataset.generate(seed: 7, lang: .en, size: .small).dev[0]
        let messages = item.prompt + item.reference
        var ids = template.encode(messages).ids
        if ids.count > model.config.contextLength { ids = Array(ids.prefix(model.config.contextLength)) }
        return LogprobCheck(messages: messages, inputIDs: ids, logprobs: model.tokenLogProbs(ids))
    }
}
