import Autograd
import Core
import Foundation
import FuzzSupport
import LoRA
import SupportDesk
import Testing
import Transformer

/// The committed seed corpus of the fuzzers: small valid files for every loader, written by
/// the kit's own writers (plus a few hand-made variants the kit does not write, such as F16
/// tensors or a Hugging Face config). Regenerate with scripts/make-fuzz-corpus.sh
/// (FUZZ_WRITE_CORPUS=1 swift test --filter FuzzCorpusWriter/write).
enum FuzzCorpus {
    /// Tests/Fuzz (corpus/, regressions/, harness/, README.md).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The seeds of a target, as bundles, sorted by file name.
    static func seeds(_ target: String) throws -> [[UInt8]] {
        try FuzzCampaign.inputs(in: root.appendingPathComponent("corpus/\(target)"))
    }

    /// Every seed, by target name.
    static func build() throws -> [String: [[UInt8]]] {
        let tmp = ScratchFolder.root.appendingPathComponent("fuzz-corpus-\(getpid())")
        defer { try? FileManager.default.removeItem(at: tmp) }
        func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
        func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
        var out: [String: [[UInt8]]] = [:]

        // Safetensors: the kit's writer (F32, metadata), hand-made F16/BF16/F64/I64 and empty tensors.
        let a = Tensor([2, 3], [1, -2, 3.5, 0, .infinity, -0.0])
        let b = Tensor([4], [0.25, 0.5, 0.75, 1])
        let f32 = try Safetensors.encode([("a", a), ("b", b), ("scalar", Tensor(scalar: 7))], metadata: ["format": "pt"])
        func handMade(_ header: String, _ data: [UInt8]) -> [UInt8] {
            var h = bytes(header)
            while h.count % 8 != 0 { h.append(0x20) }
            var out: [UInt8] = []
            withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
            return out + h + data
        }
        let mixed = handMade("""
            {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"bf":{"dtype":"BF16","shape":[1,2],"data_offsets":[4,8]},\
            "d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"i":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},\
            "empty":{"dtype":"F32","shape":[0,3],"data_offsets":[24,24]}}
            """, [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0x40] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [5, 0, 0, 0, 0, 0, 0, 0])
        out["safetensors"] = [Array(f32), mixed, handMade("{}", [])]

        // Metrics CSV as MetricsWriter writes it, and with CRLF line ends and spaces.
        let metrics = MetricsWriter(url: tmp.appendingPathComponent("m.csv"), columns: ["step", "loss", "lr"])
        metrics.log(["step": 1, "loss": 2.5, "lr": 0.001])
        metrics.log(["step": 2, "lr": 0.0009])
        metrics.log(["step": 3, "loss": 1.25e-7, "lr": 1e-4])
        out["metrics-csv"] = [bytes(metrics.csvText), bytes("step, loss\r\n10, 3.25\r\n20, nan\r\n")]

        // JSONL with the row kinds JSONL.decode meets.
        out["jsonl"] = [bytes("{\"prompt\":\"hi\",\"completion\":\"there\",\"label\":true,\"score\":0.5,\"step\":3}\n\n{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}\n"),
                        bytes("{\"prompt\":\"こんにちは\",\"score\":-1e-3}\r\n{}\n")]

        // config.json: the kit's own and a Hugging Face one (extra keys, n_inner null).
        let configURL = tmp.appendingPathComponent("config.json")
        try writeJSON(ChapterFuzzTargets.tinyConfig, to: configURL)
        out["gpt-config"] = [
            try read(configURL),
            bytes("""
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.0, "bos_token_id": 63,
             "embd_pdrop": 0.0, "eos_token_id": 63, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2",
             "n_ctx": 32, "n_embd": 32, "n_head": 4, "n_inner": null, "n_layer": 2, "n_positions": 32, "resid_pdrop": 0.0,
             "tie_word_embeddings": true, "torch_dtype": "float32", "transformers_version": "4.46.0", "vocab_size": 64}
            """),
        ]

        // Tokenizer files of two small trained vocabularies, one with special tokens.
        var tokenizerSeeds: [[UInt8]] = []
        for (k, specials) in [[], ["<|endoftext|>", "<|im_start|>"]].enumerated() {
            let tok = BPETokenizer.train(corpus: ["the cat sat on the mat", "the café, 日本語 text\n\tand the end"],
                                       vocabSize: 256 + 12 + specials.count, specialTokens: specials)
            let dir = tmp.appendingPathComponent("tok\(k)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try tok.save(directory: dir.path)
            tokenizerSeeds.append(FuzzBundle.join([try read(dir.appendingPathComponent("vocab.json")), try read(dir.appendingPathComponent("merges.txt"))]))
        }
        out["tokenizer"] = tokenizerSeeds

        // SFT data in the TRL formats.
        out["sft-data"] = [
            bytes("{\"messages\":[{\"role\":\"system\",\"content\":\"Be kind.\"},{\"role\":\"user\",\"content\":\"Where is my order?\"},{\"role\":\"assistant\",\"content\":\"I am sorry. It ships today.\"}]}\n"),
            bytes("{\"prompt\":\"Hi\",\"completion\":\"Hello!\"}\n{\"prompt\":[{\"role\":\"user\",\"content\":\"返品できますか\"}],\"completion\":[{\"role\":\"assistant\",\"content\":\"はい、できます。\"}]}\n"),
        ]

        // Preference pairs (strings and message lists) and KTO's unpaired rows, in TRL's formats.
        out["preference-data"] = [
            bytes("{\"prompt\":\"Where is my order?\",\"chosen\":\"I am sorry. It ships today.\",\"rejected\":\"Wait.\"}\n"),
            bytes("{\"prompt\":[{\"role\":\"system\",\"content\":\"Order: SD-1\"},{\"role\":\"user\",\"content\":\"返品できますか\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"はい、できます。\"}],\"rejected\":[{\"role\":\"assistant\",\"content\":\"いいえ。\"}]}\n"),
        ]
        out["unpaired-preference"] = [
            bytes("{\"prompt\":\"Where is my order?\",\"completion\":\"It ships today.\",\"label\":true}\n{\"prompt\":\"Hi\",\"completion\":\"Go away.\",\"label\":false}\n"),
            bytes("{\"prompt\":[{\"role\":\"user\",\"content\":\"返品できますか\"}],\"completion\":[{\"role\":\"assistant\",\"content\":\"はい。\"}],\"label\":true}\n"),
        ]

        // SupportDesk rows: the first rows the generator writes, in English and Japanese.
        let en = Dataset.generate(seed: 1, lang: .en, size: .small), ja = Dataset.generate(seed: 2, lang: .ja, size: .small)
        func rows<T: Encodable>(_ x: [T], _ n: Int) throws -> [UInt8] { bytes(try JSONL.encode(Array(x.prefix(n)))) }
        out["supportdesk-sft"] = [try rows(en.sft, 2), try rows(ja.sft, 1)]
        out["supportdesk-preferences"] = [try rows(en.preferences, 2), try rows(ja.preferences, 1)]
        out["supportdesk-unpaired"] = [try rows(en.unpaired, 2), try rows(ja.unpaired, 1)]
        out["supportdesk-eval"] = [try rows(en.dev, 2), try rows(ja.dev, 1)]
        out["supportdesk-adversarial"] = [try rows(en.adversarial, 2), try rows(ja.adversarial, 1)]
        out["supportdesk-corpus"] = [bytes(try JSONL.encode(en.corpus.prefix(2).map { ["text": $0] })),
                                     bytes(try JSONL.encode(ja.corpus.prefix(1).map { ["text": $0] }))]

        // Model checkpoints (config.json + model.safetensors) saved by GPT.save.
        var checkpoints: [[UInt8]] = []
        for (k, config) in [ChapterFuzzTargets.tinyConfig, GPTConfig(vocabSize: 6, contextLength: 3, embeddingSize: 2, layers: 2, heads: 1, innerSize: 3)].enumerated() {
            let dir = tmp.appendingPathComponent("ckpt\(k)")
            try GPT(config, seed: UInt64(k)).save(directory: dir)
            checkpoints.append(FuzzBundle.join([try read(dir.appendingPathComponent("config.json")), try read(dir.appendingPathComponent("model.safetensors"))]))
        }
        out["gpt-checkpoint"] = checkpoints

        // A training checkpoint folder (latest.json + step-2/) saved by TrainingCheckpoint.save.
        let model = GPT(ChapterFuzzTargets.tinyConfig, seed: 3)
        let dir = tmp.appendingPathComponent("train")
        let state = try JSONDecoder().decode(TrainingCheckpoint.State.self, from: Data("""
            {"step": 2, "rng": \(SeededRandom(seed: 4).stateWords), "adamStep": 2, "extra": {"loss": 1.5}}
            """.utf8))
        try TrainingCheckpoint.save(model: model, optimizer: AdamW(model.parameters),
                                    state: state, in: dir)
        out["training-checkpoint"] = [FuzzBundle.join(try ChapterFuzzTargets.trainingCheckpoint.files.map { try read(dir.appendingPathComponent($0)) })]

        // LoRA adapters saved by LoRA.save (plain; rsLoRA + DoRA on every layer), and PEFT's own
        // adapter_config.json (r 4 on every layer, PEFT's many extra keys) with weights of that shape.
        let peftConfig = root.deletingLastPathComponent().appendingPathComponent("ChapterTests/Fixtures/peft-lora/lora/adapter_config.json")
        var adapters: [[UInt8]] = []
        for (k, lora) in [LoRAConfig(rank: 2, alpha: 4), LoRAConfig(rank: 1, alpha: 2, targets: LoRAConfig.allLinear, useRSLoRA: true, useDoRA: true),
                          LoRAConfig(rank: 4, alpha: 8, targets: ["c_fc", "c_proj", "c_attn"])].enumerated() {
            let m = GPT(ChapterFuzzTargets.tinyConfig, seed: 0)
            LoRA.attach(to: m, config: lora, seed: UInt64(k))
            let folder = tmp.appendingPathComponent("adapter\(k)")
            try LoRA.save(m, config: lora, to: folder)
            let config = k == 2 ? try read(peftConfig) : try read(folder.appendingPathComponent(LoRA.configFile))
            adapters.append(FuzzBundle.join([config, try read(folder.appendingPathComponent(LoRA.weightsFile))]))
        }
        out["lora-adapter"] = adapters
        return out
    }
}

@Suite("Fuzz seed corpus") struct FuzzCorpusWriter {
    @Test("the committed seed corpus is what the kit writes today",
          .enabled(if: ProcessInfo.processInfo.environment["FUZZ_WRITE_CORPUS"] == "1"))
    func write() throws {
        for (target, seeds) in try FuzzCorpus.build() {
            let dir = FuzzCorpus.root.appendingPathComponent("corpus/\(target)")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (k, s) in seeds.enumerated() { try Data(s).write(to: dir.appendingPathComponent("seed-\(k)")) }
        }
    }

    @Test("every target has seeds in the corpus",
          .disabled(if: ProcessInfo.processInfo.environment["FUZZ_WRITE_CORPUS"] == "1"))
    func present() throws {
        for t in CoreFuzzTargetNames.all + ChapterFuzzTargets.all.map(\.name) {
            #expect(try !FuzzCorpus.seeds(t).isEmpty, "no seeds for \(t): run scripts/make-fuzz-corpus.sh")
        }
    }
}

/// Names of Core's targets (defined in CoreTests, which this module cannot import).
enum CoreFuzzTargetNames {
    static let all = ["safetensors", "metrics-csv", "jsonl"]
}
