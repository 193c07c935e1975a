import Autograd
import Core
import Foundation
import LoRA
import SupportDesk
import Testing
@testable import Transformer

/// config.json, checkpoints and tokenizer files cannot make the kit allocate more than their
/// size suggests (issue 12, "Resource bounds"), and the loaders' other fuzz findings.
@Suite("Resource bounds of the chapters' loaders") struct ChapterResourceBoundTests {
    static let dir: URL = {
        let d = ScratchFolder.root.appendingPathComponent("chapter-bounds-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static func write(_ text: String, _ name: String) -> String {
        let path = dir.appendingPathComponent(name).path
        let parent = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static func configError(_ json: String) -> String? {
        do { _ = try GPTConfig.load(path: write(json, "configs/\(UUID().uuidString).json")); return nil } catch { return "\(error)" }
    }

    @Test("config.json with absurd sizes is rejected by GPTConfig.validate before a model exists", arguments: [
        (#""n_embd": 9223372036854775807"#, "n_embd = 9223372036854775807 is out of range"),
        (#""n_layer": 1048577"#, "n_layer = 1048577 is out of range"),
        (#""vocab_size": 0"#, "vocab_size = 0 is out of range"),
        (#""n_embd": 1048576, "n_head": 1"#, "n_inner = 4 * n_embd = 4194304 is out of range"),
        (#""n_embd": 1048576, "n_head": 1, "n_inner": 1048576, "n_layer": 1048576"#, "the model would have too many parameters"),
        (#""n_embd": 4096, "n_head": 32, "n_layer": 24, "vocab_size": 1048576"#, "the model would have too many parameters (9128108032, the limit is 4000000000)"),
        (#""n_embd": 6, "n_head": 4"#, "n_embd 6 is not divisible by n_head 4"),
        (#""bos_token_id": -1"#, "bos_token_id = -1 is negative"),
        (#""layer_norm_epsilon": -1e-5"#, "layer_norm_epsilon = -1e-05 must be a positive number"),
        // Foundation's decoder reports a number too big for Int as malformed JSON, without a place.
        (#""n_head": 1e300"#, "malformed JSON"),
    ])
    func absurdConfig(fields: String, expected: String) {
        // Later keys win in Foundation's decoder, so `fields` overrides the tiny base config.
        var base = ["vocab_size": "8", "n_positions": "4", "n_embd": "4", "n_layer": "1", "n_head": "2"]
        let overrides = fields.split(separator: ",").map { $0.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "") } }
        for kv in overrides { base[kv[0]] = kv[1] }
        let json = "{" + base.keys.sorted().map { "\"\($0)\": \(base[$0]!)" }.joined(separator: ", ") + "}"
        let message = Self.configError(json)
        #expect(message?.contains(expected) == true, "\(json) -> \(message ?? "loaded")")
    }

    @Test("a small config.json describing 650 million parameters beside a small weights file fails before the model is allocated")
    func hugeConfigSmallWeights() throws {
        let folder = Self.dir.appendingPathComponent("huge-config")
        try GPT(ChapterFuzzTargets.tinyConfig, seed: 0).save(directory: folder)
        let big = GPTConfig(vocabSize: 50257, contextLength: 1024, embeddingSize: 1024, layers: 48, heads: 16)
        #expect(big.parameterCount > 600_000_000)
        try writeJSON(big, to: folder.appendingPathComponent("config.json"))
        let t0 = Date()
        #expect(throws: CourseError(file: folder.appendingPathComponent("model.safetensors").path,
                                    "tensor \"wte.weight\" has shape [8, 4], the config needs [50257, 1024]")) { try GPT.load(directory: folder) }
        // Building the model first (2.6 GB, random init) would take many seconds.
        #expect(Date().timeIntervalSince(t0) < 1)
    }

    @Test("parameterShapes lists exactly the model's parameters, in order")
    func parameterShapes() {
        for config in [ChapterFuzzTargets.tinyConfig, GPTConfig(vocabSize: 6, contextLength: 3, embeddingSize: 2, layers: 2, heads: 1, innerSize: 3)] {
            let model = GPT(config, seed: 0)
            let shapes = GPT.parameterShapes(config)
            #expect(shapes.map(\.0) == model.namedParameters.map(\.0))
            #expect(shapes.map(\.1) == model.namedParameters.map(\.1.shape))
            #expect(shapes.reduce(0) { $0 + $1.1.reduce(1, *) } == config.parameterCount)
        }
    }

    @Test("vocab.json ids must be 0..<entries, so the tokenizer's tables are bounded by the file")
    func vocabBoundedByFile() throws {
        let tok = BPETokenizer.train(corpus: ["the cat"], vocabSize: 256, specialTokens: [])
        let folder = Self.dir.appendingPathComponent("vocab")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try tok.save(directory: folder.path)
        // A huge id in a tiny file: no table of a trillion entries.
        _ = Self.write(#"{"a": 1000000000000}"#, "vocab/vocab.json")
        #expect(throws: CourseError(file: folder.appendingPathComponent("vocab.json").path, line: 1,
                                    "id 1000000000000 of \"a\" is outside 0..<1: ids must be contiguous from 0")) {
            try BPETokenizer.load(directory: folder.path)
        }
        // Many entries: what the tokenizer holds grows with the file, not beyond it.
        var lines = (0..<256).map { "\(StrictJSON.quote(ByteEncoder.encode([UInt8($0)]))): \($0)" }
        for k in 0..<20_000 { lines.append("\"x\(k)\": \(256 + k)") }
        let vocab = "{" + lines.joined(separator: ",\n") + "}"
        _ = Self.write(vocab, "vocab/vocab.json")
        _ = Self.write("#version: 0.2\n", "vocab/merges.txt")
        let loaded = try BPETokenizer.load(directory: folder.path)
        #expect(loaded.vocabSize == 20_256)
        #expect(loaded.tokenBytes.reduce(0) { $0 + $1.count } <= vocab.utf8.count)
    }

    @Test("merges.txt and SupportDesk files with CRLF line ends load like LF ones")
    func crlf() throws {
        let tok = BPETokenizer.train(corpus: ["the cat sat on the mat"], vocabSize: 262, specialTokens: [])
        let folder = Self.dir.appendingPathComponent("crlf")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try tok.save(directory: folder.path)
        let merges = try String(contentsOf: folder.appendingPathComponent("merges.txt"), encoding: .utf8)
        try merges.replacingOccurrences(of: "\n", with: "\r\n").write(to: folder.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        #expect(try BPETokenizer.load(directory: folder.path).merges.count == tok.merges.count)

        let data = Dataset.generate(seed: 1, lang: .en, size: .small)
        let path = Self.write(try JSONL.encode(Array(data.sft.prefix(3))).replacingOccurrences(of: "\n", with: "\r\n"), "crlf/sft.jsonl")
        #expect(try Dataset.loadSFT(path: path) == Array(data.sft.prefix(3)))
    }

    @Test("a training checkpoint with a bad pointer, wrong moment shapes or a bad random state is rejected, not trapped")
    func trainingCheckpoint() throws {
        let folder = Self.dir.appendingPathComponent("train")
        try? FileManager.default.removeItem(at: folder)
        let model = GPT(ChapterFuzzTargets.tinyConfig, seed: 1)
        let state = try JSONDecoder().decode(TrainingCheckpoint.State.self, from: Data(#"{"step": 2, "rng": [1, 2, 3, 4], "adamStep": 2, "extra": {}}"#.utf8))
        try TrainingCheckpoint.save(model: model, optimizer: AdamW(model.parameters), state: state, in: folder)
        func load() throws { _ = try TrainingCheckpoint.load(into: GPT(ChapterFuzzTargets.tinyConfig, seed: 2), optimizer: AdamW(model.parameters), from: folder) }
        try load()

        let pointer = folder.appendingPathComponent("latest.json")
        try Data(#"{"latest": "../../etc"}"#.utf8).write(to: pointer)
        #expect(throws: CourseError(file: pointer.path, "\"latest\" must name a step-N folder, found \"../../etc\"")) { try load() }
        try Data(#"{"latest": "step-2"}"#.utf8).write(to: pointer)

        let statePath = folder.appendingPathComponent("step-2/state.json")
        try Data(#"{"step": 2, "rng": [1, 2, 3], "adamStep": 2, "extra": {}}"#.utf8).write(to: statePath)
        #expect(throws: CourseError(file: statePath.path, "\"rng\" must hold 4 numbers, not all zero (found 3)")) { try load() }
        try Data(#"{"step": 2, "rng": [1, 2, 3, 4], "adamStep": -1, "extra": {}}"#.utf8).write(to: statePath)
        #expect(throws: CourseError(file: statePath.path, "\"step\" and \"adamStep\" must not be negative")) { try load() }
        try Data(#"{"step": 2, "rng": [1, 2, 3, 4], "adamStep": 2, "extra": {}}"#.utf8).write(to: statePath)

        let optPath = folder.appendingPathComponent("step-2/optimizer.safetensors").path
        var moments = try SafetensorsFile.open(path: optPath).loadAll().map { (name: $0.key, tensor: $0.value) }
        moments.removeAll { $0.name == "adam.v.ln_f.bias" }
        moments.append((name: "adam.v.ln_f.bias", tensor: Tensor(zeros: [3])))
        try Safetensors.write(moments, to: optPath)
        #expect(throws: CourseError(file: optPath, "tensor \"adam.v.ln_f.bias\" has shape [3], the model needs [4]")) { try load() }
    }

    @Test("an adapter_config.json with r = 100 million is rejected before adapters are attached")
    func hugeAdapterRank() throws {
        let folder = Self.dir.appendingPathComponent("adapter")
        let m = GPT(ChapterFuzzTargets.tinyConfig, seed: 0)
        LoRA.attach(to: m, config: LoRAConfig(rank: 2), seed: 0)
        try LoRA.save(m, config: LoRAConfig(rank: 2), to: folder)
        let configURL = folder.appendingPathComponent(LoRA.configFile)
        let json = try String(contentsOf: configURL, encoding: .utf8)
        try json.replacingOccurrences(of: "\"r\" : 2", with: "\"r\" : 100000000").write(to: configURL, atomically: true, encoding: .utf8)
        let fresh = GPT(ChapterFuzzTargets.tinyConfig, seed: 0)
        let t0 = Date()
        // Attaching first would allocate 1.6 GB (A is [r, 4], B is [12, r]) for a 700-byte file.
        #expect(throws: CourseError(file: folder.appendingPathComponent(LoRA.weightsFile).path,
                                    "tensor \"base_model.model.transformer.h.0.attn.c_attn.lora_A.weight\" has shape [2, 4], this model needs [100000000, 4]")) {
            try LoRA.load(into: fresh, from: folder)
        }
        #expect(Date().timeIntervalSince(t0) < 1)
        #expect(fresh.linearLayers.allSatisfy { $0.1.adapter == nil })
    }
}
