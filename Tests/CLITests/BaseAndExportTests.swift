import Core
import Ecosystem
import Foundation
import LoRA
import Testing
import Transformer
@testable import course

/// `course run sft --base DIR [--lora | --qlora]` and `course export`, on a small random
/// Hugging Face GPT-2 (Tests/Fixtures/hf-base-gpt2, made by Tests/Fixtures/make_hf_base_fixture.py).
@Suite("Starting from a Hugging Face checkpoint, and exporting to one")
struct BaseAndExportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/hf-base-gpt2").standardized

    static func scratch(_ name: String) -> URL {
        ScratchFolder.root.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    static func course(_ args: [String]) throws {
        var command = try Course.parseAsRoot(args)
        try command.run()
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test("A Hugging Face GPT-2 gains the chat tokens: two rows at the mean row, every other weight and log-prob unchanged")
    func preparedBase() throws {
        let original = try GPT.load(directory: Self.fixture)
        let (model, tokenizer, summary) = try BaseCheckpoint.load(Self.fixture)
        #expect(summary.addedTokens == ["<|im_start|>", "<|im_end|>"])
        #expect(tokenizer.vocabSize == original.config.vocabSize + 2 && model.config.vocabSize == tokenizer.vocabSize)
        #expect(tokenizer.id(ofSpecial: "<|im_start|>") == 440 && tokenizer.id(ofSpecial: "<|im_end|>") == 441)
        let (v, c) = (original.config.vocabSize, original.config.embeddingSize)
        let old = original.wte.value.array, new = model.wte.value.array
        #expect(Array(new.prefix(v * c)) == old)
        for j in 0..<c {
            let mean = (0..<v).reduce(0.0) { $0 + Double(old[$1 * c + j]) } / Double(v)
            #expect(abs(Double(new[v * c + j]) - mean) < 1e-6 && new[(v + 1) * c + j] == new[v * c + j])
        }
        // A text without the new tokens: the grown model predicts the old tokens as before,
        // less the probability the two new rows now take.
        let ids = tokenizer.encode("Thank you for contacting us about your order.")
        let before = original.tokenLogProbs(ids), after = model.tokenLogProbs(ids)
        #expect(zip(before, after).allSatisfy { $1 <= $0 && $0 - $1 < 0.02 })
    }

    @Test("course run sft --base DIR --lora writes a PEFT adapter and a merged model, and course export a Hugging Face folder")
    func loraThenExport() throws {
        let root = Self.scratch("base-lora")
        let runs = root.appendingPathComponent("runs"), out = root.appendingPathComponent("export")
        try Self.course(["run", "sft", "--base", Self.fixture.path, "--lora", "--preset", "quick", "--runs", runs.path])
        let sft = runs.appendingPathComponent("sft")
        let estimate = try readJSON(TrainingEstimate.self, from: sft.appendingPathComponent("estimate.json").path)
        #expect(estimate.trainable < estimate.parameters && estimate.secondsPerStep > 0 && estimate.totalMB > 0)
        let adapter = try Self.json(sft.appendingPathComponent("adapter/adapter_config.json"))
        #expect(adapter["modules_to_save"] as? [String] == ["wte", "lm_head"])
        #expect(adapter["base_model_name_or_path"] as? String == Self.fixture.path)
        let weights = try SafetensorsFile.open(path: sft.appendingPathComponent("adapter/adapter_model.safetensors").path)
        #expect(weights.entry("base_model.model.transformer.wte.weight")?.shape == [442, 16])
        #expect(weights.entry("base_model.model.transformer.h.0.mlp.c_fc.lora_A.weight")?.shape == [16, 16])

        try Self.course(["export", "--runs", runs.path, "--out", out.path, "--size", "small"])
        let model = out.appendingPathComponent("model")
        for f in ["config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json",
                  "added_tokens.json", "generation_config.json", "../adapter/adapter_model.safetensors", "../adapter/tokenizer_config.json",
                  "../data/sft.jsonl", "../data/preferences.jsonl", "../data/datacard.md"] {
            #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent(f).path), "\(f)")
        }
        let config = try Self.json(model.appendingPathComponent("config.json"))
        #expect(config["vocab_size"] as? Int == 442 && config["eos_token_id"] as? Int == 441 && config["model_type"] as? String == "gpt2")
        let tokenizer = try Self.json(model.appendingPathComponent("tokenizer_config.json"))
        #expect((tokenizer["chat_template"] as? String)?.contains("<|im_start|>") == true)
        #expect(tokenizer["eos_token"] as? String == "<|im_end|>")
        let decoder = tokenizer["added_tokens_decoder"] as! [String: [String: Any]]
        #expect(decoder["440"]?["content"] as? String == "<|im_start|>" && decoder["441"]?["special"] as? Bool == true)
        #expect(try Self.json(model.appendingPathComponent("generation_config.json"))["eos_token_id"] as? [Int] == [439, 441])

        // The exported model computes the log-probs recorded for transformers to compare.
        let check = try readJSON(Export.LogprobCheck.self, from: out.appendingPathComponent("logprobs_check.json").path)
        let reloaded = try GPT.load(directory: model)
        #expect(check.inputIDs.first == 440 && check.logprobs.count == check.inputIDs.count - 1)
        #expect(zip(reloaded.tokenLogProbs(check.inputIDs), check.logprobs).allSatisfy { abs($0 - $1) < 1e-6 })

        // A second export replaces the first; a folder that is not an export is left alone.
        try Self.course(["export", "--runs", runs.path, "--out", out.path, "--no-data"])
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("data").path))
        let other = root.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try AtomicFile.write("mine", to: other.appendingPathComponent("notes.txt"))
        #expect(throws: CourseError.self) { try Self.course(["export", "--runs", runs.path, "--out", other.path]) }
        #expect(try String(contentsOf: other.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
        try? FileManager.default.removeItem(at: root)
    }

    @Test("course run sft --base DIR --qlora trains adapters on the 4-bit base and saves the token table with them")
    func qlora() throws {
        let runs = Self.scratch("base-qlora")
        try Self.course(["run", "sft", "--base", Self.fixture.path, "--qlora", "--preset", "quick", "--runs", runs.path])
        let estimate = try readJSON(TrainingEstimate.self, from: runs.appendingPathComponent("sft/estimate.json").path)
        // The same step with Float32 linear weights: QLoRA stores them in about 4.1 bits.
        let config = try GPT.load(directory: runs.appendingPathComponent("sft/model")).config
        let float = TrainingEstimate(config: config, trainable: estimate.trainable, linearBits: 32, tokens: 1024, rowLength: 512,
                                     steps: 4, gflops: estimate.gflops)
        #expect(estimate.weightsMB < float.weightsMB && estimate.secondsPerStep > float.secondsPerStep)
        let weights = try SafetensorsFile.open(path: runs.appendingPathComponent("sft/adapter/adapter_model.safetensors").path)
        #expect(weights.entry("base_model.model.lm_head.weight")?.shape == [442, 16])
        let merged = try GPT.load(directory: runs.appendingPathComponent("sft/model"))
        #expect(merged.config.vocabSize == 442)
        try? FileManager.default.removeItem(at: runs)
    }

    /// Copies the fixture into a scratch folder and lets `damage` break one file.
    static func broken(_ damage: (URL) throws -> Void) throws -> URL {
        let dir = scratch("broken-base")
        try FileManager.default.copyItem(at: fixture, to: dir)
        try damage(dir)
        return dir
    }

    static func error(_ dir: URL) -> String {
        do { _ = try BaseCheckpoint.load(dir); return "" } catch { return "\(error)" }
    }

    @Test("A broken base folder gets a one-line error naming the file (and the tensor), never a crash")
    func brokenBase() throws {
        let missing = try Self.broken { try FileManager.default.removeItem(at: $0.appendingPathComponent("merges.txt")) }
        #expect(Self.error(missing).contains("merges.txt"))
        let config = try Self.broken { try AtomicFile.write("{\"n_embd\": 16,", to: $0.appendingPathComponent("config.json")) }
        #expect(Self.error(config).contains("config.json"))
        let truncated = try Self.broken { dir in
            let url = dir.appendingPathComponent("model.safetensors")
            try Data(contentsOf: url).prefix(5000).write(to: url)
        }
        #expect(Self.error(truncated).contains("model.safetensors"))
        let shape = try Self.broken { dir in
            let url = dir.appendingPathComponent("config.json")
            var c = try Self.json(url)
            c["n_inner"] = 32
            try JSONSerialization.data(withJSONObject: c).write(to: url)
        }
        #expect(Self.error(shape).contains("h.0.mlp.c_fc.weight"))
        let vocab = try Self.broken { dir in
            let url = dir.appendingPathComponent("config.json")
            var c = try Self.json(url)
            c["vocab_size"] = 400
            try JSONSerialization.data(withJSONObject: c).write(to: url)
        }
        #expect(Self.error(vocab).contains("wte.weight"))
        for e in [Self.error(missing), Self.error(config), Self.error(truncated), Self.error(shape)] { #expect(!e.contains("\n")) }
        #expect(throws: CourseError.self) {
            try Self.course(["run", "sft", "--base", missing.path, "--lora", "--preset", "quick", "--runs", missing.appendingPathComponent("runs").path])
        }
    }

    @Test("--base, --lora and --qlora are refused where they mean nothing, before anything runs")
    func optionsChecked() throws {
        for args in [["run", "transformer", "--base", "models/gpt2"], ["run", "dpo", "--qlora"], ["run", "sft", "--lora", "--qlora"]] {
            let command = try #require(try Course.parseAsRoot(args) as? RunCommand)
            #expect(throws: CourseError.self) { _ = try command.stage() }
        }
        let sft = try #require(try Course.parseAsRoot(["run", "sft", "--base", "models/gpt2", "--qlora"]) as? RunCommand)
        #expect((try sft.stage() as? SFTStage)?.method == .qlora)
    }
}
