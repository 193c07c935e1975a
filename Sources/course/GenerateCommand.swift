import ArgumentParser
import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// `course generate --model DIR --prompt TEXT`: sample a continuation (or, with --chat, a reply).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sample text from a model folder (config.json, model.safetensors, vocab.json, merges.txt).")

    @Option(help: "The model folder, e.g. runs/transformer/model or runs/sft/model.") var model: String
    @Option(help: "The text to continue (with --chat: the customer's message).") var prompt: String
    @Flag(help: "Wrap the prompt as a user turn in the chat template and stop at <|im_end|>.") var chat = false
    @Option(help: "Maximum new tokens.") var maxTokens: Int = 120
    @Option(help: "Sampling temperature (0 = greedy).") var temperature: Float = 0.8
    @Option(help: "Keep the k most likely tokens (0 = all).") var topK: Int = 0
    @Option(help: "Nucleus sampling mass (1 = off).") var topP: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Recompute the whole prefix every step instead of using the KV cache (slower).") var noCache = false

    func run() throws {
        let dir = URL(fileURLWithPath: model)
        let gpt = try GPT.load(directory: dir)
        let tokenizer = try BPETokenizer.load(directory: dir.path)
        var rng = SeededRandom(seed: seed)
        let options = SamplingOptions(temperature: temperature, topK: topK, topP: topP)
        var ids = tokenizer.encode(prompt, allowSpecial: false)
        var stop: Set<Int> = [gpt.config.eosTokenID]
        if chat {
            let template = try ChatTemplate(tokenizer: tokenizer)
            ids = template.generationPrompt([Message(role: "user", content: prompt)])
            stop.insert(template.end)
        }
        guard ids.count < gpt.config.contextLength else {
            throw CourseError("the prompt is \(ids.count) tokens; the model's context is \(gpt.config.contextLength)")
        }
        let out = gpt.generate(prompt: ids, maxNewTokens: maxTokens, options: options, stop: stop, useCache: !noCache, rng: &rng)
        print((chat ? "" : prompt) + tokenizer.decode(out.filter { !stop.contains($0) }))
    }
}

/// `course logprobs --model DIR --ids 5,17,42 --json`: each token's log-probability given the
/// tokens before it (the first token has none).
struct LogprobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprobs",
        abstract: "Print each token's log-probability under a model (ids or text).")

    @Option(help: "The model folder.") var model: String
    @Option(help: "Comma-separated token ids.") var ids: String?
    @Option(help: "Text, encoded with the model's tokenizer.") var text: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let dir = URL(fileURLWithPath: model)
        let gpt = try GPT.load(directory: dir)
        let tokens: [Int]
        var tokenizer: BPETokenizer?
        if let ids {
            tokens = try ids.split(separator: ",").map {
                guard let v = Int($0.trimmingCharacters(in: .whitespaces)) else { throw CourseError("--ids: \"\($0)\" is not an integer") }
                guard v >= 0 && v < gpt.config.vocabSize else { throw CourseError("--ids: \(v) is outside the vocabulary 0..<\(gpt.config.vocabSize)") }
                return v
            }
        } else if let text {
            let t = try BPETokenizer.load(directory: dir.path)
            tokenizer = t
            tokens = t.encode(text)
        } else {
            throw CourseError("give --ids or --text")
        }
        guard !tokens.isEmpty else { throw CourseError("no tokens") }
        guard tokens.count <= gpt.config.contextLength else { throw CourseError("\(tokens.count) tokens exceed the context of \(gpt.config.contextLength)") }
        let lp = gpt.tokenLogProbs(tokens)
        if json {
            let rows: [[String: Any]] = tokens.enumerated().map { i, id in
                var r: [String: Any] = ["id": id]
                if i > 0 { r["logprob"] = Double(lp[i - 1]) }
                if let tokenizer { r["token"] = tokenizer.decode([id]) }
                return r
            }
            let data = try JSONSerialization.data(withJSONObject: ["tokens": rows, "total": lp.reduce(0, +)], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (i, id) in tokens.enumerated() {
                let tok = tokenizer.map { " \($0.decode([id]).debugDescription)" } ?? ""
                print("\(id)\(tok)\t" + (i == 0 ? "–" : String(format: "%.4f", lp[i - 1])))
            }
            print(String(format: "total log-probability %.4f", lp.reduce(0, +)))
        }
    }
}
