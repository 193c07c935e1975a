import Autograd
import Core
import Foundation
import SFT
import Transformer

/// A Hugging Face GPT-2-family checkpoint on disk (gpt2, distilgpt2, or your own) as the start
/// of fine-tuning: `config.json`, `model.safetensors`, `vocab.json`, `merges.txt`.
///
/// Such a model knows one special token, `<|endoftext|>`. A chat model needs the chat
/// template's `<|im_start|>` and `<|im_end|>` as single ids, so they are added after the last
/// id (as `tokenizer.add_special_tokens` does) and the token table grows by one row each (as
/// `model.resize_token_embeddings` does): wte [V, C] becomes [V + 2, C]; GPT-2 ties the output
/// layer to wte, so the output layer grows with it.
public enum BaseCheckpoint {
    /// The tokens the chat template needs (Chapter 3's ChatML).
    public static let chatTokens = ["<|im_start|>", "<|im_end|>"]
    /// The files a base folder must hold.
    public static let files = [GPT.configFile, GPT.weightsFile, BPETokenizer.vocabFileName, BPETokenizer.mergesFileName]

    /// What `prepare` did, for the run's log.
    public struct Summary: Codable, Sendable {
        public var source: String
        public var parameters: Int
        public var vocabulary: Int
        public var addedTokens: [String]
    }

    /// Every file present (one error naming the first missing file) before anything is read.
    public static func checkFiles(_ dir: URL) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw CourseError(file: dir.path, "not a folder (--base needs a Hugging Face model folder: \(files.joined(separator: ", ")))")
        }
        for f in files where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path) {
            throw CourseError(file: dir.appendingPathComponent(f).path, "missing (a GPT-2 model folder holds \(files.joined(separator: ", ")))")
        }
    }

    // MARK: book base-prepare
    /// Loads the checkpoint and its tokenizer, adds the chat tokens it lacks and grows the
    /// token table to match. A new row starts at the mean of the existing rows (transformers'
    /// `mean_resizing`): its logit is then the average token's, not a random spike, and the
    /// rows are trained as a module to save (PEFT's `modules_to_save = ["wte", "lm_head"]`).
    public static func load(_ dir: URL) throws -> (model: GPT, tokenizer: BPETokenizer, summary: Summary) {
        try checkFiles(dir)
        let base = try GPT.load(directory: dir)
        let original = try BPETokenizer.load(directory: dir.path)
        guard original.vocabSize == base.config.vocabSize else {
            throw CourseError(file: dir.appendingPathComponent(BPETokenizer.vocabFileName).path,
                              "\(original.vocabSize) tokens, but config.json has vocab_size \(base.config.vocabSize) (the two must match)")
        }
        let tokenizer = original.adding(specialTokens: chatTokens)
        let added = chatTokens.filter { original.id(ofSpecial: $0) == nil }
        let model = tokenizer.vocabSize == base.config.vocabSize ? base : grow(base, to: tokenizer.vocabSize)
        let summary = Summary(source: dir.path, parameters: model.config.parameterCount, vocabulary: tokenizer.vocabSize, addedTokens: added)
        return (model, tokenizer, summary)
    }

    /// A copy of `model` with `vocab` rows in its token table: the old rows as they were, each
    /// new row the mean of the old ones. Every other tensor is copied unchanged.
    public static func grow(_ model: GPT, to vocab: Int) -> GPT {
        var config = model.config
        let (v, c) = (config.vocabSize, config.embeddingSize)
        config.vocabSize = vocab
        let grown = GPT(config, seed: 0)
        for ((name, from), (_, to)) in zip(model.namedParameters, grown.namedParameters) where name != "wte.weight" {
            to.value.data.update(from: from.value.data, count: from.value.count)
        }
        let old = model.wte.value.data, new = grown.wte.value.data   // [v, c] -> [vocab, c]
        new.update(from: old, count: v * c)
        var mean = [Double](repeating: 0, count: c)
        for r in 0..<v { for j in 0..<c { mean[j] += Double(old[r * c + j]) } }
        for r in v..<vocab { for j in 0..<c { new[r * c + j] = Float(mean[j] / Double(v)) } }
        return grown
    }
    // MARK: end

    /// Writes the prepared base as a kit model folder (weights, config, tokenizer with the chat
    /// tokens) into `out`, through a temporary folder renamed at the end: a failed or killed
    /// import leaves no half-written folder.
    @discardableResult
    public static func prepare(from dir: URL, to out: URL) throws -> Summary {
        let (model, tokenizer, summary) = try load(dir)
        try FolderSwap.write(out) { tmp in
            try SFTRun.saveModel(model, try ChatTemplate(tokenizer: tokenizer), to: tmp)
            try writeJSON(summary, to: tmp.appendingPathComponent("base.json"))
        }
        return summary
    }
}

/// Writing a whole folder atomically: into `name.tmp-PID`, then renamed over `name`.
public enum FolderSwap {
    public static func write(_ out: URL, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let tmp = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: tmp)
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        do { try body(tmp) } catch { try? fm.removeItem(at: tmp); throw error }
        if fm.fileExists(atPath: out.path) {
            // Keep the old folder until the new one is in place.
            let old = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).old-\(getpid())")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: out, to: old)
            do { try fm.moveItem(at: tmp, to: out) } catch { try? fm.moveItem(at: old, to: out); throw error }
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: tmp, to: out)
        }
    }
}
