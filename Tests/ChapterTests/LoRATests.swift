import Foundation
import Testing
import Autograd
import Core
import SupportDesk
@testable import LoRA
@testable import SFT
@testable import Transformer

@Suite("LoRA: adapters, merging, gradients, PEFT files")
struct LoRATests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let ids = [63, 5, 17, 42, 8, 8, 30, 1, 0, 62, 21, 9]
    static func tinyConfig() -> GPTConfig { GPTConfig(vocabSize: 64, contextLength: 32, embeddingSize: 32, layers: 2, heads: 4) }

    static func logits(_ m: GPT, _ ids: [Int] = ids) -> Tensor { noGrad { m.logits(ids, batch: 1).value } }

    /// Gives every B random values so the adapters change the output.
    static func randomizeB(_ m: GPT, seed: UInt64 = 9, std: Float = 0.3) {
        var rng = SeededRandom(seed: seed)
        for (_, _, a) in LoRA.adapters(of: m) { for i in 0..<a.B.value.count { a.B.value.data[i] = rng.normal() * std } }
    }

    @Test("With B = 0 the adapted model's logits equal the base model's bit for bit")
    func zeroBIsExact() {
        let m = GPT(Self.tinyConfig(), seed: 3)
        let before = Self.logits(m)
        LoRA.attach(to: m, config: LoRAConfig(rank: 4, targets: LoRAConfig.allLinear), seed: 1)
        #expect(LoRA.adapters(of: m).count == 8)
        #expect(Self.logits(m).bitwiseEqual(before))
        // With DoRA too: m = ‖W‖ gives scale 1 exactly only up to rounding, so compare closely.
        let d = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: d, config: LoRAConfig(rank: 4, targets: ["c_attn"], useDoRA: true), seed: 1)
        let diff = zip(Self.logits(d).array, before.array).map { abs($0 - $1) }.max()!
        #expect(diff < 1e-5)
    }

    @Test("The adapter computes x W + b + s · B A x, with s = alpha/r or alpha/√r")
    func forwardFormula() {
        for rs in [false, true] {
            let cfg = LoRAConfig(rank: 4, alpha: 6, targets: ["c_fc"], useRSLoRA: rs)
            #expect(cfg.scaling == (rs ? 3 : 1.5))
            let m = GPT(Self.tinyConfig(), seed: 3)
            LoRA.attach(to: m, config: cfg, seed: 1)
            Self.randomizeB(m)
            let layer = m.blocks[0].mlpFC, a = layer.adapter as! LoRALinear
            var rng = SeededRandom(seed: 5)
            let x = Tensor([3, 32], (0..<96).map { _ in rng.normal() })
            let y = noGrad { layer(Variable(x)).value }
            // Reference: W' = W + s · Aᵀ Bᵀ, computed element by element.
            let (inF, outF, r) = (32, 128, 4)
            for row in 0..<3 {
                for j in stride(from: 0, to: outF, by: 7) {
                    var acc = Double(layer.bias.value[j])
                    for i in 0..<inF {
                        var d = 0.0
                        for k in 0..<r { d += Double(a.A.value[k * inF + i]) * Double(a.B.value[j * r + k]) }
                        acc += Double(x[row * inF + i]) * (Double(layer.weight.value[i * outF + j]) + Double(cfg.scaling) * d)
                    }
                    #expect(abs(Double(y[row * outF + j]) - acc) < 1e-4)
                }
            }
        }
    }

    @Test("A is initialised uniform(±1/√in) as PEFT's kaiming_uniform(a=√5), B at zero")
    func initialisation() {
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: LoRAConfig(rank: 8, targets: ["mlp.c_proj"]), seed: 1)
        let a = LoRA.adapters(of: m)[0].adapter
        #expect(LoRA.adapters(of: m).map(\.name) == ["h.0.mlp.c_proj", "h.1.mlp.c_proj"])
        #expect(a.A.shape == [8, 128] && a.B.shape == [32, 8])
        let bound = 1 / Float(128).squareRoot()
        #expect(a.A.value.array.allSatisfy { abs($0) <= bound })
        #expect(a.A.value.array.map(abs).max()! > 0.9 * bound)
        #expect(a.B.value.array.allSatisfy { $0 == 0 })
    }

    @Test("Targets match PEFT's suffix rule")
    func targets() {
        let names = GPT(Self.tinyConfig(), seed: 1).linearLayers.map(\.0)
        func matched(_ t: [String]) -> [String] { names.filter { LoRAConfig(targets: t).isTarget($0) } }
        #expect(matched(["c_proj"]) == ["h.0.attn.c_proj", "h.0.mlp.c_proj", "h.1.attn.c_proj", "h.1.mlp.c_proj"])
        #expect(matched(["mlp.c_proj"]) == ["h.0.mlp.c_proj", "h.1.mlp.c_proj"])
        #expect(matched(["transformer.h.1.attn.c_attn"]) == ["h.1.attn.c_attn"])
        #expect(matched(["attn"]).isEmpty)
    }

    @Test("layers_to_transform keeps the listed blocks of the suffix matches; a full name is kept whatever the list")
    func layersToTransform() {
        let names = GPT(GPTConfig(vocabSize: 16, contextLength: 8, embeddingSize: 8, layers: 12, heads: 2), seed: 1).linearLayers.map(\.0)
        func matched(_ t: [String], _ blocks: [Int]?) -> [String] { names.filter { LoRAConfig(targets: t, layersToTransform: blocks).isTarget($0) } }
        #expect(matched(["c_attn"], [1]) == ["h.1.attn.c_attn"])
        #expect(matched(["c_attn"], [10, 2]) == ["h.2.attn.c_attn", "h.10.attn.c_attn"])
        #expect(matched(["c_attn"], []) == matched(["c_attn"], nil) && matched(["c_attn"], nil).count == 12)
        #expect(matched(["h.0.mlp.c_fc", "transformer.h.1.mlp.c_fc", "c_proj"], [5]) == ["h.0.mlp.c_fc", "h.1.mlp.c_fc", "h.5.attn.c_proj", "h.5.mlp.c_proj"])
        #expect(matched(["c_attn"], [12]).isEmpty)
        #expect(LoRAConfig.blockIndex("h.11.mlp.c_fc") == 11 && LoRAConfig.blockIndex("wte") == nil && LoRAConfig.blockIndex("h.3") == nil)
    }

    /// DoRA treats the norm ‖W + ΔW‖ as a constant in backward (as the paper and PEFT do), so
    /// only its magnitude's gradient is the full derivative; with DoRA only m is checked.
    @Test("Gradients of A and B (and DoRA's magnitude) match finite differences")
    func gradients() {
        for dora in [false, true] {
            let m = GPT(GPTConfig(vocabSize: 64, contextLength: 16, embeddingSize: 16, layers: 1, heads: 2), seed: 2)
            let params = LoRA.attach(to: m, config: LoRAConfig(rank: 3, alpha: 5, targets: LoRAConfig.allLinear, useDoRA: dora), seed: 4)
            Self.randomizeB(m, std: 0.2)
            let ids = [1, 7, 3, 9, 12, 5], targets = [7, 3, 9, 12, 5, 2]
            func loss() -> Variable { m.loss(ids, targets: targets, batch: 1) }
            for p in params { p.grad = nil }
            loss().backward()
            var worst: Float = 0
            for p in params where !dora || p.name.hasSuffix("lora_magnitude_vector") {
                let g = p.grad!
                for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 12)) {
                    let old = p.value.data[i]
                    let eps: Float = 1e-2
                    p.value.data[i] = old + eps
                    let up = noGrad { Double(loss().scalar) }
                    p.value.data[i] = old - eps
                    let down = noGrad { Double(loss().scalar) }
                    p.value.data[i] = old
                    let numeric = Float((up - down) / Double(2 * eps))
                    worst = max(worst, abs(numeric - g.data[i]) / max(abs(numeric), abs(g.data[i]), 1e-2))
                }
            }
            #expect(worst < 2e-2, "DoRA \(dora): worst relative gradient error \(worst)")
            #expect(m.parameters.allSatisfy { $0.grad == nil }, "a frozen base parameter received a gradient")
        }
    }

    @Test("Merged output equals the adapter output; unmerge restores the base weights")
    func mergeUnmerge() {
        for dora in [false, true] {
            let m = GPT(Self.tinyConfig(), seed: 3)
            let original = m.linearLayers.map { $0.1.weight.value.copy() }
            LoRA.attach(to: m, config: LoRAConfig(rank: 4, alpha: 16, targets: LoRAConfig.allLinear, useDoRA: dora), seed: 1)
            Self.randomizeB(m)
            if dora { for (_, _, a) in LoRA.adapters(of: m) { a.magnitude!.value.scale(by: 1.1) } }
            let adapted = Self.logits(m)
            LoRA.merge(m)
            #expect(LoRA.adapters(of: m).allSatisfy { $0.adapter.merged })
            let merged = Self.logits(m)
            let diff = zip(adapted.array, merged.array).map { abs($0 - $1) }.max()!
            let scale = adapted.array.map(abs).max()!
            #expect(diff <= 2e-5 * max(scale, 1), "DoRA \(dora): merged vs adapter \(diff)")
            // The merged model is a plain GPT-2: without adapters it computes the same.
            LoRA.unmerge(m)
            for ((_, layer), w0) in zip(m.linearLayers, original) {
                let err = zip(layer.weight.value.array, w0.array).map { abs($0 - $1) }.max()!
                // One ulp of |W + ΔW| per element (Float32 subtraction), a few for DoRA's rescaling.
                #expect(err <= (dora ? 4e-6 : 1e-6) * max(layer.weight.value.array.map(abs).max()!, 1), "unmerge error \(err)")
            }
            #expect(zip(Self.logits(m).array, adapted.array).map { abs($0 - $1) }.max()! <= 2e-5 * max(scale, 1))
        }
    }

    @Test("A merged and detached model saves and reloads as a plain GPT-2 checkpoint")
    func mergeThenDetach() throws {
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: LoRAConfig(rank: 2, targets: ["c_attn"]), seed: 1)
        Self.randomizeB(m)
        let adapted = Self.logits(m)
        LoRA.merge(m)
        LoRA.detach(m)
        #expect(m.parameters.allSatisfy { $0.requiresGrad } && LoRA.adapters(of: m).isEmpty)
        let dir = ScratchFolder.root.appendingPathComponent("lora-merged-\(getpid())")
        try m.save(directory: dir)
        let back = try GPT.load(directory: dir)
        #expect(zip(Self.logits(back).array, adapted.array).map { abs($0 - $1) }.max()! < 1e-4)
    }

    @Test("Trainable-parameter report counts r·(in + out) per adapted layer")
    func parameterReport() {
        let m = GPT(Self.tinyConfig(), seed: 3)
        let total = m.parameters.reduce(0) { $0 + $1.value.count }
        let params = LoRA.attach(to: m, config: LoRAConfig(rank: 4, targets: LoRAConfig.allLinear), seed: 1)
        let perBlock = 4 * ((32 + 96) + (32 + 32) + (32 + 128) + (128 + 32))
        let report = ParameterReport(model: m)
        #expect(report.trainable == 2 * perBlock)
        #expect(params.reduce(0) { $0 + $1.value.count } == 2 * perBlock)
        #expect(report.total == total + 2 * perBlock)
        #expect(report.description.hasPrefix("trainable params: 4,096 || all params: "))
        #expect(grouped(1234567) == "1,234,567" && grouped(12) == "12")
    }

    @Test("Adapters saved here have PEFT's names and shapes and load back identically")
    func saveLoadRoundTrip() throws {
        let cfg = LoRAConfig(rank: 4, alpha: 8, targets: ["c_attn", "c_proj", "c_fc"])
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: cfg, seed: 1)
        Self.randomizeB(m)
        let dir = ScratchFolder.root.appendingPathComponent("lora-adapter-\(getpid())")
        try LoRA.save(m, config: cfg, to: dir)
        // Same names, shapes and metadata as the file PEFT wrote for the same config.
        let ours = try SafetensorsFile.open(path: dir.appendingPathComponent(LoRA.weightsFile).path)
        let peft = try SafetensorsFile.open(path: Self.fixtures.appendingPathComponent("peft-lora/lora/adapter_model.safetensors").path)
        #expect(ours.entries.map(\.name) == peft.entries.map(\.name))
        #expect(ours.entries.map(\.shape) == peft.entries.map(\.shape))
        #expect(ours.metadata == peft.metadata)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(LoRA.configFile))) as! [String: Any]
        #expect(json["r"] as? Int == 4 && json["lora_alpha"] as? Double == 8 && json["peft_type"] as? String == "LORA")
        #expect(json["target_modules"] as? [String] == ["c_attn", "c_proj", "c_fc"] && json["fan_in_fan_out"] as? Bool == true)

        let fresh = GPT(Self.tinyConfig(), seed: 3)
        try LoRA.load(into: fresh, from: dir)
        #expect(Self.logits(fresh).bitwiseEqual(Self.logits(m)))
    }

    @Test("Modules to save (the token embeddings) train beside the adapters, save under PEFT's name and load back")
    func modulesToSave() throws {
        let cfg = LoRAConfig(rank: 4, alpha: 8, targets: ["c_attn"], modulesToSave: ["wte"])
        let m = GPT(Self.tinyConfig(), seed: 3)
        let params = LoRA.attach(to: m, config: cfg, seed: 1)
        #expect(params.contains { $0 === m.wte } && m.wte.requiresGrad && !m.wpe.requiresGrad)
        #expect(params.count == 2 * 2 + 1)   // A and B in each of two layers, and wte
        Self.randomizeB(m)
        for i in 0..<m.wte.value.count { m.wte.value.data[i] += 0.01 * Float(i % 7) }   // as if trained
        let dir = ScratchFolder.root.appendingPathComponent("lora-modules-\(getpid())")
        try LoRA.save(m, config: cfg, to: dir)
        let file = try SafetensorsFile.open(path: dir.appendingPathComponent(LoRA.weightsFile).path)
        // GPT-2's output layer is wte: PEFT names it lm_head, so the table is saved under both.
        #expect(file.entry("base_model.model.transformer.wte.weight")?.shape == [64, 32])
        #expect(try file.tensor("base_model.model.lm_head.weight").array == m.wte.value.array)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(LoRA.configFile))) as! [String: Any]
        #expect(json["modules_to_save"] as? [String] == ["wte", "lm_head"])

        let fresh = GPT(Self.tinyConfig(), seed: 3)
        try LoRA.load(into: fresh, from: dir)
        #expect(Self.logits(fresh).bitwiseEqual(Self.logits(m)))

        // A file whose other tensors are wrong leaves the base embeddings untouched.
        let bad = ScratchFolder.root.appendingPathComponent("lora-modules-bad-\(getpid())")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try Data(contentsOf: dir.appendingPathComponent(LoRA.configFile)).write(to: bad.appendingPathComponent(LoRA.configFile))
        let tensors = try file.names.map { (name: $0, tensor: try file.tensor($0)) }
        try Safetensors.write(tensors + [(name: "base_model.model.transformer.wpe.weight", tensor: Tensor(zeros: [32, 32]))],
                              metadata: ["format": "pt"], to: bad.appendingPathComponent(LoRA.weightsFile).path)
        let other = GPT(Self.tinyConfig(), seed: 3), before = other.wte.value.array
        #expect(throws: CourseError.self) { try LoRA.load(into: other, from: bad) }
        #expect(other.wte.value.array == before && other.linearLayers.allSatisfy { $0.1.adapter == nil })
        // A PEFT config that trains only the input side of the tied table is refused.
        var text = try String(contentsOf: dir.appendingPathComponent(LoRA.configFile), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"lm_head\"", with: "\"wpe\"")
        try text.write(to: bad.appendingPathComponent(LoRA.configFile), atomically: true, encoding: .utf8)
        #expect(throws: CourseError.self) { try LoRA.load(into: other, from: bad) }
        #expect(other.wte.value.array == before)
    }

    @Test("Adapters written by PEFT load here and give PEFT's logits (LoRA, rsLoRA + DoRA)")
    func peftParity() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("peft-lora/expected_logits.json"))) as! [String: Any]
        let ids = expected["input_ids"] as! [Int]
        for name in ["base", "lora", "rslora-dora"] {
            let model = try GPT.load(directory: Self.fixtures.appendingPathComponent("hf-tiny-gpt2"))
            if name != "base" { try LoRA.load(into: model, from: Self.fixtures.appendingPathComponent("peft-lora/\(name)")) }
            let ours = Self.logits(model, ids).array
            let theirs = (expected[name] as! [[Double]]).flatMap { $0.map(Float.init) }
            let diff = zip(ours, theirs).map { abs($0 - $1) }.max()!
            #expect(ours.count == theirs.count && diff < 2e-4, "\(name): max |Δlogit| \(diff)")
        }
        // The adapters really change the output (the check above is not vacuous).
        let base = (expected["base"] as! [[Double]]).flatMap { $0 }, lora = (expected["lora"] as! [[Double]]).flatMap { $0 }
        #expect(zip(base, lora).map { abs($0 - $1) }.max()! > 0.5)
    }

    @Test("An adapter on some blocks only saves PEFT's layers_to_transform and loads back on the same layers; PEFT's single index loads too")
    func layersToTransformFiles() throws {
        let cfg = LoRAConfig(rank: 2, targets: ["c_attn", "mlp.c_fc"], layersToTransform: [1])
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: cfg, seed: 1)
        Self.randomizeB(m)
        #expect(LoRA.adapters(of: m).map(\.name) == ["h.1.attn.c_attn", "h.1.mlp.c_fc"])
        let dir = ScratchFolder.root.appendingPathComponent("lora-blocks-\(getpid())")
        try LoRA.save(m, config: cfg, to: dir)
        let path = dir.appendingPathComponent(LoRA.configFile)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
        #expect(json["layers_to_transform"] as? [Int] == [1])
        let fresh = GPT(Self.tinyConfig(), seed: 3)
        try LoRA.load(into: fresh, from: dir)
        #expect(LoRA.adapters(of: fresh).map(\.name) == ["h.1.attn.c_attn", "h.1.mlp.c_fc"])
        #expect(Self.logits(fresh).bitwiseEqual(Self.logits(m)))
        // PEFT also writes one index as a plain number, and names GPT-2's blocks "h" when asked.
        json["layers_to_transform"] = 1
        json["layers_pattern"] = "h"
        try JSONSerialization.data(withJSONObject: json).write(to: path)
        let again = GPT(Self.tinyConfig(), seed: 3)
        try LoRA.load(into: again, from: dir)
        #expect(Self.logits(again).bitwiseEqual(Self.logits(m)))
        json["layers_pattern"] = "layers"
        try JSONSerialization.data(withJSONObject: json).write(to: path)
        #expect(throws: CourseError(file: path.path, "layers_pattern is not supported (GPT-2's blocks are \"h\")")) {
            try LoRA.load(into: GPT(Self.tinyConfig(), seed: 3), from: dir)
        }
        // Without the key (every adapter saved before), the config is PEFT's default: every block.
        #expect(!String(decoding: try JSONEncoder().encode(PEFTAdapterConfig(LoRAConfig())), as: UTF8.self).contains("layers_to_transform"))
        #expect(!String(decoding: try JSONEncoder().encode(LoRAConfig()), as: UTF8.self).contains("layersToTransform"))
    }

    @Test("Bad adapter folders are refused with the file and the tensor named")
    func badAdapterFiles() throws {
        let dir = ScratchFolder.root.appendingPathComponent("lora-bad-\(getpid())")
        let cfg = LoRAConfig(rank: 4, targets: ["c_attn"])
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: cfg, seed: 1)
        try LoRA.save(m, config: cfg, to: dir)
        // A rank-8 config with the rank-4 tensors: the shapes disagree.
        try LoRA.save(m, config: cfg, to: dir)
        var json = try String(contentsOf: dir.appendingPathComponent(LoRA.configFile), encoding: .utf8)
        json = json.replacingOccurrences(of: "\"r\" : 4", with: "\"r\" : 8")
        try json.write(to: dir.appendingPathComponent(LoRA.configFile), atomically: true, encoding: .utf8)
        let fresh = GPT(Self.tinyConfig(), seed: 3)
        let weights = dir.appendingPathComponent(LoRA.weightsFile).path
        #expect(throws: CourseError(file: weights, "tensor \"base_model.model.transformer.h.0.attn.c_attn.lora_A.weight\" has shape [4, 32], this model needs [8, 32]")) {
            try LoRA.load(into: fresh, from: dir)
        }
        #expect(fresh.linearLayers.allSatisfy { $0.1.adapter == nil } && fresh.parameters.allSatisfy { $0.requiresGrad }, "a failed load changed the model")
        json = json.replacingOccurrences(of: "\"r\" : 8", with: "\"r\" : 4").replacingOccurrences(of: "\"c_attn\"", with: "\"q_proj\"")
        try json.write(to: dir.appendingPathComponent(LoRA.configFile), atomically: true, encoding: .utf8)
        #expect(throws: CourseError(file: dir.appendingPathComponent(LoRA.configFile).path, "target_modules [\"q_proj\"] match no layer of this model")) {
            try LoRA.load(into: fresh, from: dir)
        }
    }

    @Test("Dropout acts on the adapter input in training only; evaluation is deterministic")
    func dropoutOnlyInTraining() {
        let m = GPT(Self.tinyConfig(), seed: 3)
        LoRA.attach(to: m, config: LoRAConfig(rank: 4, dropout: 0.5, targets: ["c_attn"]), seed: 1)
        Self.randomizeB(m)
        #expect(Self.logits(m).bitwiseEqual(Self.logits(m)))
        let a = m.logits(Self.ids, batch: 1).value, b = m.logits(Self.ids, batch: 1).value
        #expect(!a.bitwiseEqual(b))
    }

    @Test("A short LoRA SFT run lowers the held-out loss while the base stays untouched")
    func shortRunLearns() throws {
        let data = Dataset.generate(seed: 3, lang: .en, size: .small)
        let model = GPT(GPTConfig(vocabSize: SFTTests.tokenizer.vocabSize, contextLength: 512, embeddingSize: 48, layers: 2, heads: 4), seed: 5)
        // A random GPT-2's tied embeddings (std 0.02) keep every logit near 0, and adapters
        // cannot change them; larger embeddings stand in for a pretrained model's.
        model.wte.value.scale(by: 20)
        let base = model.parameters.map { $0.value.copy() }
        let params = LoRA.attach(to: model, config: LoRAConfig(rank: 8, alpha: 16, targets: LoRAConfig.allLinear), seed: 1)
        let trainer = try SFTTrainer(model: model, template: SFTTests.template, examples: data.sft.map(\.messages),
                                     heldOut: data.dev.prefix(16).map { $0.prompt + $0.reference }, graded: [],
                                     settings: .init(steps: 40, rowsPerBatch: 2, learningRate: 1e-2, warmupSteps: 3,
                                                     evalEvery: 1000, gradedPrompts: 0), parameters: params)
        let before = trainer.evalLoss()
        try trainer.run(metrics: MetricsWriter(url: ScratchFolder.root.appendingPathComponent("lora-\(getpid()).csv"),
                                               columns: SFTTrainer.metricColumns), label: "test")
        let after = trainer.evalLoss()
        #expect(after < before - 0.5, "held-out loss \(before) -> \(after)")
        #expect(zip(model.parameters, base).allSatisfy { $0.value.bitwiseEqual($1) }, "a frozen base weight changed")
    }
}
