import Foundation
import Testing
import Autograd
import Core
import SupportDesk
@testable import LoRA
@testable import QLoRA
@testable import SFT
@testable import Transformer

@Suite("QLoRA: NF4, double quantisation, 4-bit layers")
struct QLoRATests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/nf4-bnb")

    struct Cases: Decodable {
        struct Case: Decodable { var name: String; var input: [Float]; var packed: [UInt8]; var absmax: [Float]; var dequantized: [Float] }
        var nf4_code: [Float]
        var dynamic_code: [Float]
        var cases: [Case]
    }

    static func cases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: fixtures.appendingPathComponent("cases.json")))
    }

    @Test("The NF4 and 8-bit code tables are bitsandbytes' values")
    func codeTables() throws {
        let c = try Self.cases()
        #expect(NF4.code == c.nf4_code)
        #expect(DynamicMap.code == c.dynamic_code && DynamicMap.code.count == 256)
        #expect(zip(DynamicMap.code, DynamicMap.code.dropFirst()).allSatisfy { $0 < $1 }, "the 8-bit code must ascend")
    }

    @Test("NF4 reproduces bitsandbytes' codes, scales and values on hand-made cases (ties, zero block, odd tail)")
    func handCases() throws {
        for c in try Self.cases().cases {
            let (packed, absmax) = NF4.quantize(c.input)
            #expect(packed == c.packed, "\(c.name): packed codes differ")
            #expect(absmax == c.absmax, "\(c.name): absmax differs")
            #expect(NF4.dequantize(packed: packed, absmax: absmax, count: c.input.count) == c.dequantized, "\(c.name): values differ")
        }
    }

    @Test("NF4 reproduces bitsandbytes bit for bit on a 16,640-value weight-like tensor")
    func weightVectors() throws {
        let f = try SafetensorsFile.open(path: Self.fixtures.appendingPathComponent("vectors.safetensors").path)
        let x = try f.tensor("input").array
        let (packed, absmax) = NF4.quantize(x)
        #expect(packed == (try f.rawBytes("packed")))
        #expect(absmax == (try f.tensor("absmax").array))
        #expect(NF4.dequantize(packed: packed, absmax: absmax, count: x.count) == (try f.tensor("dequantized").array))
    }

    @Test("Double quantisation matches bitsandbytes: mean offset, 256-blocks of 8-bit codes, values")
    func doubleQuantization() throws {
        let f = try SafetensorsFile.open(path: Self.fixtures.appendingPathComponent("vectors.safetensors").path)
        let absmax = try f.tensor("absmax").array
        let bnbOffset = try f.tensor("dq.offset").array[0]
        let bnbCodes = try f.rawBytes("dq.absmax_q"), bnbScales = try f.tensor("dq.absmax2").array
        // Our mean (Float64 sum) agrees with torch's Float32 one to the last bits.
        let ours = QuantizedScales(quantizing: absmax)
        #expect(abs(ours.offset - bnbOffset) <= 2 * bnbOffset.ulp)
        // With bitsandbytes' offset, the 8-bit step gives its scales exactly and its codes except
        // where a value lies within 1e-5 of a midpoint (bitsandbytes' search is approximate there).
        let same = QuantizedScales(quantizing: absmax, offset: bnbOffset)
        #expect(same.blockScales == bnbScales && same.blockScales.count == 2)
        let mids = QuantizedScales.midpoints
        var differing = 0
        for i in absmax.indices where same.codes[i] != bnbCodes[i] {
            differing += 1
            let lo = Int(min(same.codes[i], bnbCodes[i]))
            let v = (absmax[i] - bnbOffset) / bnbScales[i / 256]
            #expect(abs(Int(same.codes[i]) - Int(bnbCodes[i])) == 1 && abs(v - mids[lo]) < 1e-5, "absmax \(i): code \(same.codes[i]) vs \(bnbCodes[i])")
        }
        #expect(differing <= 2)
        // Dequantising bitsandbytes' own state gives its absmax values and weights bit for bit.
        let theirs = QuantizedScales(codes: bnbCodes, blockScales: bnbScales, offset: bnbOffset)
        let restored = theirs.dequantized()
        #expect(restored == (try f.tensor("dq.absmax_dequantized").array))
        let packed = try f.rawBytes("packed")
        #expect(NF4.dequantize(packed: packed, absmax: restored, count: absmax.count * 64) == (try f.tensor("dq.dequantized").array))
    }

    @Test("Bits per parameter are exact: 4.5 with Float32 scales, 4.1276 with double quantisation")
    func bitsPerParameter() {
        var rng = SeededRandom(seed: 1)
        let w = Tensor([128, 384], (0..<(128 * 384)).map { _ in rng.normal() * 0.02 })
        let plain = NF4Tensor(w, doubleQuantization: false), dq = NF4Tensor(w, doubleQuantization: true)
        #expect(plain.storageBits == 49152 * 4 + 768 * 32)
        #expect(plain.bitsPerParameter == 4.5)
        #expect(dq.storageBits == 49152 * 4 + 768 * 8 + 3 * 32 + 32)
        #expect(abs(dq.bitsPerParameter - (4 + 6272.0 / 49152)) < 1e-12 && dq.bitsPerParameter <= 4.2)
        let odd = NF4Tensor(Tensor([3, 5], (0..<15).map(Float.init)), doubleQuantization: true)
        #expect(odd.storageBits == 8 * 8 + 8 + 32 + 32)   // 15 codes in 8 bytes, 1 block, 1 scale, mean
    }

    /// The plan counts from the configuration what the memory-at-scale table counts on the built
    /// model (parameters, linear weights, adapter values, NF4 bits of each quantised weight),
    /// so its totals are the table's formula column exactly: for both of the table's models
    /// (quick preset, 128,768 parameters; default, 25,809,920) and odd shapes.
    @Test("The memory plan from a configuration equals the counts and the formula on the built model",
          arguments: [(GPTConfig(vocabSize: 384, contextLength: 64, embeddingSize: 64, layers: 2, heads: 2), 16, LoRAConfig.allLinear),
                      (GPTConfig(vocabSize: 1024, contextLength: 128, embeddingSize: 512, layers: 8, heads: 8), 16, LoRAConfig.allLinear),
                      (GPTConfig(vocabSize: 1000, contextLength: 100, embeddingSize: 36, layers: 3, heads: 3, innerSize: 100), 3, ["c_proj"]),
                      (GPTConfig(vocabSize: 77, contextLength: 9, embeddingSize: 20, layers: 1, heads: 4), 5, ["c_fc", "attn.c_attn"])])
    func memoryPlan(config: GPTConfig, rank: Int, targets: [String]) {
        let plan = TrainingMemory.plan(config, rank: rank, targets: targets)
        let lora = LoRAConfig(rank: rank, alpha: 2 * Float(rank), targets: targets)
        let model = GPT(config, seed: 1)
        let total = model.parameters.reduce(0) { $0 + $1.value.count }
        let linear = model.linearLayers.reduce(0) { $0 + $1.1.weight.value.count }
        #expect(plan.parameters == total && plan.parameters == config.parameterCount && plan.linear == linear)
        let adapter = LoRA.attach(to: GPT(config, seed: 1), config: lora, seed: 1).reduce(0) { $0 + $1.value.count }
        #expect(plan.adapter == adapter)
        #expect(Double(plan.fullFineTuning) == TrainingMemory.estimate(float32Frozen: 0, trainable: total).totalBytes)
        #expect(Double(plan.lora) == TrainingMemory.estimate(float32Frozen: total, trainable: adapter).totalBytes)
        for dq in [false, true] {
            let q = GPT(config, seed: 1)
            QLoRA.attach(to: q, config: lora, doubleQuantization: dq, seed: 1)
            let (bits, n) = QLoRA.quantizedStorage(of: q)
            #expect(bits % 8 == 0 && bits / 8 == (dq ? plan.nf4DoubleBytes : plan.nf4Bytes))
            let formula = TrainingMemory.estimate(float32Frozen: total - linear, quantized: n, bitsPerQuantized: Double(bits) / Double(n), trainable: adapter)
            #expect(Double(dq ? plan.qloraDoubleQuantization : plan.qlora) == formula.totalBytes)
        }
    }

    /// The book's worked numbers for GPT-2 small with LoRA r16 on c_attn (exercise 5.4).
    @Test("The memory plan of GPT-2 small: 124,439,808 parameters, 16 bytes each to fine-tune fully")
    func memoryPlanGPT2Small() {
        let plan = TrainingMemory.plan(GPTConfig(vocabSize: 50257, contextLength: 1024, embeddingSize: 768, layers: 12, heads: 12),
                                       rank: 16, targets: ["c_attn"])
        #expect(plan.parameters == 124_439_808 && plan.linear == 84_934_656 && plan.adapter == 589_824)
        #expect(plan.fullFineTuning == 1_991_036_928 && plan.lora == 507_196_416)
        #expect(plan.qlora == 215_233_536 && plan.qloraDoubleQuantization == 211_273_152)
    }

    @Test("NF4 error on normal weights: about 10% relative, scale-free")
    func quantizationError() {
        var rng = SeededRandom(seed: 2)
        let w = Tensor([64, 256], (0..<(64 * 256)).map { _ in rng.normal() * 0.02 })
        let s = QuantizationStats(original: w, quantized: NF4Tensor(w, doubleQuantization: true))
        #expect(s.relativeError > 0.05 && s.relativeError < 0.13, "relative error \(s.relativeError)")
        #expect(s.snrDecibels > 17 && s.maxAbsError < 0.02 * 5 * 0.2)
        let w2 = Tensor(w.shape, w.array.map { $0 * 1000 })
        let s2 = QuantizationStats(original: w2, quantized: NF4Tensor(w2, doubleQuantization: true))
        #expect(abs(s2.relativeError - s.relativeError) < 1e-3)
    }

    static func tiny() -> GPT { GPT(GPTConfig(vocabSize: 64, contextLength: 32, embeddingSize: 64, layers: 2, heads: 4), seed: 3) }
    static let ids = [63, 5, 17, 42, 8, 8, 30, 1, 0, 62, 21, 9]

    @Test("QLoRA keeps no Float32 base weight and computes what the dequantised model computes")
    func forwardEqualsDequantized() {
        let cfg = LoRAConfig(rank: 4, alpha: 8, targets: LoRAConfig.allLinear)
        let q = Self.tiny()
        let params = QLoRA.attach(to: q, config: cfg, seed: 7)
        #expect(q.linearLayers.allSatisfy { $0.1.weight.value.count == 0 })
        var rng = SeededRandom(seed: 8)
        for p in params where p.name.hasSuffix("lora_B.weight") { for i in 0..<p.value.count { p.value.data[i] = rng.normal() * 0.1 } }
        // Reference: the same base with each weight replaced by its dequantised NF4 value, and
        // a plain LoRA with the same A and B.
        let r = Self.tiny()
        for ((_, layer), (_, _, qa)) in zip(r.linearLayers, QLoRA.layers(of: q)) {
            let d = qa.weight.dequantized()
            layer.weight.value.data.update(from: d.data, count: d.count)
        }
        let refParams = LoRA.attach(to: r, config: cfg, seed: 7)
        for (a, b) in zip(refParams, params) { a.value.data.update(from: b.value.data, count: a.value.count) }
        let lq = noGrad { q.logits(Self.ids, batch: 1).value }, lr = noGrad { r.logits(Self.ids, batch: 1).value }
        #expect(lq.bitwiseEqual(lr))
        // And gradients of the adapters agree too.
        q.loss(Self.ids, targets: Array(Self.ids.dropFirst()) + [0], batch: 1).backward()
        r.loss(Self.ids, targets: Array(Self.ids.dropFirst()) + [0], batch: 1).backward()
        for (a, b) in zip(refParams, params) { #expect(a.grad!.bitwiseEqual(b.grad!), "\(a.name)") }
        // The 4-bit base is close to the original model.
        let base = Self.tiny()
        let lb = noGrad { base.logits(Self.ids, batch: 1).value }
        QLoRA.layers(of: q).forEach { $0.adapter.lora?.B.value.fill(0) }
        let lq0 = noGrad { q.logits(Self.ids, batch: 1).value }
        #expect(zip(lq0.array, lb.array).map { abs($0 - $1) }.max()! < 0.1)
    }

    @Test("The 4-bit layer's input gradient matches finite differences")
    func nf4LinearGradient() {
        var rng = SeededRandom(seed: 3)
        let w = NF4Tensor(Tensor([8, 5], (0..<40).map { _ in rng.normal() }), doubleQuantization: true)
        let b = Variable(Tensor([5], (0..<5).map { _ in rng.normal() }), requiresGrad: true)
        let x = Tensor([3, 8], (0..<24).map { _ in rng.normal() })
        let report = GradCheck.check([x]) { Variable.nf4Linear($0[0], w, b) }
        #expect(report.maxRelativeError < 1e-2, "\(report)")
    }

    @Test("Parameter report and storage count the quantised weights at their original size")
    func reportAndStorage() {
        let m = Self.tiny()
        let total = m.parameters.reduce(0) { $0 + $1.value.count }
        let linear = m.linearLayers.reduce(0) { $0 + $1.1.weight.value.count }
        QLoRA.attach(to: m, config: LoRAConfig(rank: 2, targets: ["c_attn"]), seed: 1)
        let report = QLoRA.parameterReport(m)
        #expect(report.total == total + 2 * 2 * (64 + 192))
        #expect(report.trainable == 2 * 2 * (64 + 192))
        let (bits, count) = QLoRA.quantizedStorage(of: m)
        #expect(count == linear && Double(bits) / Double(count) < 4.2)
    }

    @Test("Merging back to Float32 keeps the QLoRA model's outputs")
    func mergeAndDequantize() throws {
        let m = Self.tiny()
        let params = QLoRA.attach(to: m, config: LoRAConfig(rank: 4, targets: LoRAConfig.allLinear), seed: 1)
        var rng = SeededRandom(seed: 2)
        for p in params where p.name.hasSuffix("lora_B.weight") { for i in 0..<p.value.count { p.value.data[i] = rng.normal() * 0.1 } }
        let before = noGrad { m.logits(Self.ids, batch: 1).value }
        QLoRA.mergeAndDequantize(m)
        #expect(m.linearLayers.allSatisfy { $0.1.adapter == nil && $0.1.weight.value.count > 0 })
        let after = noGrad { m.logits(Self.ids, batch: 1).value }
        #expect(zip(before.array, after.array).map { abs($0 - $1) }.max()! < 1e-4)
    }

    @Test("A short QLoRA SFT run lowers the held-out loss")
    func shortRunLearns() throws {
        let data = Dataset.generate(seed: 3, lang: .en, size: .small)
        let model = GPT(GPTConfig(vocabSize: SFTTests.tokenizer.vocabSize, contextLength: 512, embeddingSize: 48, layers: 2, heads: 4), seed: 5)
        model.wte.value.scale(by: 20)   // as in the LoRA test: room for the logits to move
        let params = QLoRA.attach(to: model, config: LoRAConfig(rank: 8, alpha: 16, targets: LoRAConfig.allLinear), seed: 1)
        let trainer = try SFTTrainer(model: model, template: SFTTests.template, examples: data.sft.map(\.messages),
                                     heldOut: data.dev.prefix(16).map { $0.prompt + $0.reference }, graded: [],
                                     settings: .init(steps: 40, rowsPerBatch: 2, learningRate: 1e-2, warmupSteps: 3,
                                                     evalEvery: 1000, gradedPrompts: 0), parameters: params)
        let before = trainer.evalLoss()
        try trainer.run(metrics: MetricsWriter(url: ScratchFolder.root.appendingPathComponent("qlora-\(getpid()).csv"),
                                               columns: SFTTrainer.metricColumns), label: "test")
        let after = trainer.evalLoss()
        #expect(after < before - 0.5, "held-out loss \(before) -> \(after)")
    }
}
