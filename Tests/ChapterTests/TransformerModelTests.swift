import Foundation
import Testing
import Autograd
import Core
@testable import Transformer

@Suite("GPT-2 model, checkpoints and generation")
struct TransformerModelTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func tinyModel(seed: UInt64 = 3) -> GPT {
        GPT(GPTConfig(vocabSize: 50, contextLength: 24, embeddingSize: 16, layers: 2, heads: 4), seed: seed)
    }

    @Test("A checkpoint saved by Hugging Face transformers reproduces its log-probabilities to 1e-4")
    func huggingFaceLogProbs() throws {
        let dir = Self.fixtures.appendingPathComponent("hf-tiny-gpt2")
        let model = try GPT.load(directory: dir)
        struct Expected: Decodable { var input_ids: [Int]; var logprobs: [[Float]] }
        let e = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected_logprobs.json")))
        let lp = noGrad { model.logits(e.input_ids, batch: 1).value.logSoftmax() }
        var worst: Float = 0
        for (t, row) in e.logprobs.enumerated() {
            for (j, x) in row.enumerated() { worst = max(worst, abs(lp.data[t * row.count + j] - x)) }
        }
        #expect(worst < 1e-4, "largest log-prob difference \(worst)")
    }

    @Test("A saved checkpoint loads back bit-identically, in the Hugging Face layout")
    func saveLoad() throws {
        let model = Self.tinyModel()
        let dir = ScratchFolder.root.appendingPathComponent("gpt-save-\(getpid())")
        try model.save(directory: dir)
        let file = try SafetensorsFile.open(path: dir.appendingPathComponent("model.safetensors").path)
        #expect(file.names.contains("transformer.h.1.attn.c_attn.weight"))
        #expect(file.metadata["format"] == "pt")
        let back = try GPT.load(directory: dir)
        for ((n, a), (_, b)) in zip(model.namedParameters, back.namedParameters) {
            #expect(a.value.bitwiseEqual(b.value), "\(n)")
        }
    }

    @Test("A checkpoint with a wrong shape, a missing, unexpected or doubled tensor is rejected, naming the tensor")
    func badCheckpoints() throws {
        let model = Self.tinyModel()
        let dir = ScratchFolder.root.appendingPathComponent("gpt-bad-\(getpid())")
        try model.save(directory: dir)
        let path = dir.appendingPathComponent("model.safetensors").path
        var tensors = model.namedParameters.map { (name: "transformer." + $0.0, tensor: $0.1.value) }
        tensors.removeAll { $0.name == "transformer.ln_f.bias" }
        try Safetensors.write(tensors, to: path)
        #expect(throws: CourseError(file: path, "missing tensor \"ln_f.bias\"")) { try GPT.load(directory: dir) }
        tensors.append((name: "ln_f.bias", tensor: Tensor(zeros: [3])))
        try Safetensors.write(tensors, to: path)
        #expect(throws: CourseError(file: path, "tensor \"ln_f.bias\" has shape [3], the config needs [16]")) { try GPT.load(directory: dir) }
        tensors.removeLast()
        try Safetensors.write(tensors + [(name: "transformer.ln_f.bias", tensor: Tensor(zeros: [16])), (name: "score.weight", tensor: Tensor(zeros: [1, 16]))], to: path)
        #expect(throws: CourseError(file: path, "unexpected tensor \"score.weight\" (not part of a GPT-2 with this config)")) { try GPT.load(directory: dir) }
        try Safetensors.write(tensors + [(name: "transformer.ln_f.bias", tensor: Tensor(zeros: [16])), (name: "ln_f.bias", tensor: Tensor(zeros: [16]))], to: path)
        #expect(throws: CourseError(file: path, "tensors \"ln_f.bias\" and \"transformer.ln_f.bias\" are both \"ln_f.bias\"")) { try GPT.load(directory: dir) }
    }

    @Test("KV-cached decoding gives the same logits as recomputing the prefix")
    func kvCache() {
        let model = Self.tinyModel()
        let ids = [3, 7, 1, 9, 22, 4, 4, 31]
        let full = noGrad { model.logits(ids, batch: 1).value }
        let cache = KVCache(layers: 2)
        let v = model.config.vocabSize
        noGrad {
            let first = model.logits(Array(ids.prefix(3)), batch: 1, cache: cache).value
            for j in 0..<(3 * v) { #expect(abs(first.data[j] - full.data[j]) < 1e-5) }
            for t in 3..<ids.count {
                let step = model.logits([ids[t]], batch: 1, cache: cache).value
                for j in 0..<v { #expect(abs(step.data[j] - full.data[t * v + j]) < 1e-5) }
            }
        }
        var r1 = SeededRandom(seed: 5), r2 = SeededRandom(seed: 5)
        let a = model.generate(prompt: [1, 2], maxNewTokens: 10, useCache: true, rng: &r1)
        let b = model.generate(prompt: [1, 2], maxNewTokens: 10, useCache: false, rng: &r2)
        #expect(a == b)
    }

    @Test("Batched rows are independent: each row equals the same row run alone")
    func batching() {
        let model = Self.tinyModel()
        let a = [1, 2, 3, 4], b = [9, 8, 7, 6]
        let both = noGrad { model.logits(a + b, batch: 2).value }
        let alone = noGrad { model.logits(b, batch: 1).value }
        let n = alone.count
        for j in 0..<n { #expect(abs(both.data[n + j] - alone.data[j]) < 1e-5) }
    }

    @Test("Top-k and top-p keep the most likely tokens and renormalise")
    func filtering() {
        let p: [Float] = [0.1, 0.5, 0.15, 0.25]
        #expect(Sampler.topK(p, k: 2).map { ($0 * 1000).rounded() } == [0, 667, 0, 333])
        let n = Sampler.topP(p, p: 0.7)   // 0.5 + 0.25 = 0.75 >= 0.7
        #expect(n[0] == 0 && n[2] == 0 && abs(n[1] - 0.5 / 0.75) < 1e-6)
        #expect(Sampler.topP(p, p: 1) == p)
    }

    @Test("The whole model's gradient matches finite differences on a few weights")
    func modelGradient() {
        let model = Self.tinyModel()
        let ids = [1, 5, 9, 2, 7, 3], targets = [5, 9, 2, 7, 3, CrossEntropy.ignoreIndex]
        model.loss(ids, targets: targets, batch: 1).backward()
        let w = model.blocks[0].attn.cAttn.weight
        for i in [0, 17, 300, 700] {
            let analytic = w.grad!.data[i]
            let old = w.value.data[i]
            func at(_ x: Float) -> Double { w.value.data[i] = x; return Double(noGrad { model.loss(ids, targets: targets, batch: 1).scalar }) }
            let eps: Float = 1e-2
            let numeric = Float((at(old + eps) - at(old - eps)) / Double(2 * eps))
            w.value.data[i] = old
            #expect(abs(analytic - numeric) < 2e-3 + 0.02 * abs(numeric), "weight \(i): \(analytic) vs \(numeric)")
        }
    }
}
