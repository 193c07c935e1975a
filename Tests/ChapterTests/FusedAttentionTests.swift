import Testing
import Core
@testable import Autograd
@testable import Transformer

/// The fused attention operation against the step-by-step attention the book explains
/// (scores, mask, softmax, weighted sum). The two sum in a different order, so they agree to
/// Float32 rounding, not bit for bit: values and gradients to 1e-5 (relative to max(1, |x|)).
@Suite("Fused attention matches the unfused operations")
struct FusedAttentionTests {
    static let tolerance: Float = 1e-5

    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = rng.normal() * scale }
        return t
    }

    /// The unfused reference, from qkv [B, T, 3C]: the same operations as `CausalSelfAttention.attend`.
    static func unfused(_ qkv: Variable, heads: Int, segments: [Int]?) -> Variable {
        let (b, t, c) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        func split(_ i: Int) -> Variable {
            qkv.slice(axis: 2, start: i * c, length: c).reshaped([b, t, heads, c / heads]).permuted([0, 2, 1, 3])
        }
        let scores = Variable.matmul(split(0), split(1), transposeB: true, alpha: 1 / Float(c / heads).squareRoot())
        let w = scores.causalMask(segments: segments).softmax()
        return Variable.matmul(w, split(2)).permuted([0, 2, 1, 3]).reshaped([b, t, c])
    }

    /// Largest |a − b| / max(1, |b|).
    static func worst(_ a: Tensor, _ b: Tensor) -> Float {
        var w: Float = 0
        for i in 0..<a.count { w = max(w, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
        return w
    }

    /// Output and the gradient of qkv (queries, keys and values) for a random upstream gradient.
    func compare(batch b: Int, length t: Int, width c: Int, heads: Int, segments: [Int]? = nil, scale: Float = 1) {
        let x = Self.random([b, t, 3 * c], seed: UInt64(t * 31 + c), scale: scale)
        let g = Self.random([b, t, c], seed: 99)
        var results: [(Tensor, Tensor)] = []
        for fused in [true, false] {
            let qkv = Variable(x.copy(), requiresGrad: true)
            let y = fused ? Variable.causalAttention(qkv, heads: heads, segments: segments)
                          : Self.unfused(qkv, heads: heads, segments: segments)
            y.backward(seed: g.copy())
            results.append((y.value, qkv.grad!))
        }
        let label = "B\(b) T\(t) C\(c) H\(heads)\(segments == nil ? "" : " packed")"
        #expect(Self.worst(results[0].0, results[1].0) < Self.tolerance, "output, \(label)")
        // qkv's gradient holds dQ, dK and dV side by side; check each part on its own.
        for (part, name) in ["queries", "keys", "values"].enumerated() {
            let fused = results[0].1.slice(axis: 2, start: part * c, length: c)
            let plain = results[1].1.slice(axis: 2, start: part * c, length: c)
            #expect(Self.worst(fused, plain) < Self.tolerance, "gradient of the \(name), \(label)")
        }
    }

    @Test("Outputs and gradients of queries, keys and values agree within one tile and across query tiles")
    func plainBatches() {
        compare(batch: 1, length: 1, width: 8, heads: 2)
        compare(batch: 2, length: 9, width: 16, heads: 4)
        compare(batch: 3, length: 70, width: 32, heads: 4)   // two query tiles of 64
    }

    @Test("A context longer than one key tile goes through the online softmax and still agrees")
    func longContext() {
        compare(batch: 1, length: FusedAttention.keyBlock + 45, width: 16, heads: 2)
    }

    @Test("Packed examples cannot attend to each other, fused or not")
    func packedSegments() {
        let t = 20
        let row0 = (0..<t).map { $0 < 7 ? 0 : ($0 < 15 ? 1 : 2) }, row1 = (0..<t).map { $0 < 12 ? 0 : 1 }
        compare(batch: 2, length: t, width: 16, heads: 2, segments: row0 + row1)
        // Later examples of a long row see nothing in the first key tiles: those tiles add
        // nothing (not NaN) to their queries.
        let long = 2 * FusedAttention.keyBlock + 30
        compare(batch: 1, length: long, width: 8, heads: 2, segments: (0..<long).map { $0 / 100 })
    }

    @Test("A gradient buffer that already holds a gradient is added to, not overwritten")
    func accumulates() {
        let x = Self.random([2, 40, 48], seed: 12), g = Self.random([2, 40, 16], seed: 13)
        let once = Variable(x.copy(), requiresGrad: true), twice = Variable(x.copy(), requiresGrad: true)
        Variable.causalAttention(once, heads: 2).backward(seed: g.copy())
        (Variable.causalAttention(twice, heads: 2) + Variable.causalAttention(twice, heads: 2)).backward(seed: g.copy())
        let doubled = once.grad!.map { 2 * $0 }
        #expect(Self.worst(twice.grad!, doubled) < 1e-6)
    }

    @Test("Queries after cached positions attend over cache and new keys as the unfused path does")
    func cachedQueries() {
        let config = GPTConfig(vocabSize: 40, contextLength: 80, embeddingSize: 16, layers: 2, heads: 2)
        let model = GPT(config, seed: 4)
        let ids = (0..<75).map { ($0 * 7) % 40 }
        // 70 positions first (two query tiles), then 5 one at a time.
        func run(fused: Bool) -> [Tensor] {
            CausalSelfAttention.$fused.withValue(fused) {
                noGrad {
                    let cache = KVCache(layers: 2)
                    var out = [model.logits(Array(ids.prefix(70)), batch: 1, cache: cache).value]
                    for i in 70..<75 { out.append(model.logits([ids[i]], batch: 1, cache: cache).value) }
                    return out
                }
            }
        }
        for (a, b) in zip(run(fused: true), run(fused: false)) { #expect(Self.worst(a, b) < Self.tolerance) }
    }

    @Test("A whole GPT's loss and every parameter gradient agree, fused or not")
    func wholeModel() {
        let config = GPTConfig(vocabSize: 50, contextLength: 24, embeddingSize: 16, layers: 2, heads: 4)
        let ids = (0..<40).map { ($0 * 13) % 50 }, targets = (0..<40).map { ($0 * 13 + 1) % 50 }
        var runs: [(Float, [Tensor])] = []
        for fused in [true, false] {
            let model = GPT(config, seed: 8)
            let loss = CausalSelfAttention.$fused.withValue(fused) { model.loss(ids, targets: targets, batch: 2) }
            loss.backward()
            runs.append((loss.scalar, model.parameters.map { $0.grad! }))
        }
        #expect(abs(runs[0].0 - runs[1].0) < Self.tolerance)
        for (i, (a, b)) in zip(runs[0].1, runs[1].1).enumerated() {
            #expect(Self.worst(a, b) < Self.tolerance, "parameter \(i)")
        }
    }
}
