import Autograd
import Core
import Foundation

/// Multi-head causal self-attention, GPT-2 layout: one `c_attn` product makes queries, keys
/// and values for all heads at once; `c_proj` mixes the heads' outputs back together.
public final class CausalSelfAttention {
    public let cAttn: Linear   // [C, 3C]
    public let cProj: Linear   // [C, C]
    let heads: Int, headSize: Int

    init(_ config: GPTConfig, rng: inout SeededRandom) {
        let c = config.embeddingSize
        heads = config.heads
        headSize = config.headSize
        cAttn = Linear(c, 3 * c, std: 0.02, rng: &rng)
        // Residual projections are scaled down so the residual stream's variance stays ~1
        // however many blocks add into it (GPT-2's init).
        cProj = Linear(c, c, std: 0.02 / (2 * Float(config.layers)).squareRoot(), rng: &rng)
    }

    /// Whether attention runs as one fused operation (`Variable.causalAttention`, the default)
    /// or as the separate steps this file shows (`attend`, then the weighted sum). Both compute
    /// the same thing, to about 1e-6; the fused one stores no [T, T] weights, so it is faster
    /// and lighter. Figures of the weights, and tests, use the unfused steps.
    @TaskLocal public static var fused = true

    /// x [B, T, C] -> [B, T, C]. With a cache, x holds only the new positions; their keys and
    /// values are appended to the cache and the queries attend over everything cached.
    /// `segments` [B*T] (packed examples) also masks attention between different examples.
    func callAsFunction(_ x: Variable, cache: LayerCache? = nil, segments: [Int]? = nil) -> Variable {
        guard Self.fused else { return cProj(unfused(x, cache: cache, segments: segments)) }
        // MARK: book attention-fused
        if let mine = LearnerCode.function("attentionHead", as: AttentionHeadFunction.self) { return cProj(learnerAttention(cAttn(x), cache: cache, segments: segments, mine)) }
        let qkv = cAttn(x)                                        // [B, T, 3C]: queries, keys, values
        if let cache {
            cache.append(qkv.value)                               // keys and values of the new positions
            return cProj(Variable.causalAttention(qkv, heads: heads, cache: (cache.keys!, cache.values!, cache.length)))
        }
        return cProj(Variable.causalAttention(qkv, heads: heads, segments: segments))   // [B, T, C]
        // MARK: end
    }

    /// The attention output before `c_proj`, [B, T, C], step by step as the book explains it.
    func unfused(_ x: Variable, cache: LayerCache?, segments: [Int]?) -> Variable {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let (weights, v) = attend(x, cache: cache, segments: segments)   // [B, H, T, T_k], [B, H, T_k, D]
        // MARK: book attention-mix
        // Weighted sum of the values, then heads side by side again (c_proj mixes them next).
        return Variable.matmul(weights, v)                        // [B, H, T, D]
            .permuted([0, 2, 1, 3])                               // [B, T, H, D]
            .reshaped([b, t, c])                                  // [B, T, C]
        // MARK: end
    }

    /// The attention weights [B, H, T, T_k] of x's positions (T_k = cached + new), and the
    /// values [B, H, T_k, D] they mix.
    func attend(_ x: Variable, cache: LayerCache?, segments: [Int]?) -> (weights: Variable, values: Variable) {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        // MARK: book attention-heads
        let qkv = cAttn(x)                                        // [B, T, 3C]
        func heads(_ i: Int) -> Variable {                        // -> [B, H, T, D]
            qkv.slice(axis: 2, start: i * c, length: c)
                .reshaped([b, t, self.heads, headSize])
                .permuted([0, 2, 1, 3])
        }
        let q = heads(0)
        var k = heads(1), v = heads(2)
        // MARK: end
        if let cache {                                            // [B, H, T_past + T, D]
            cache.append(qkv.value)
            (k, v) = (cache.heads(cache.keys!, heads: self.heads), cache.heads(cache.values!, heads: self.heads))
        }
        // MARK: book attention-scores
        // Scores: how well each query matches each key, scaled by 1/√D so their spread does
        // not grow with the head size (which would saturate the softmax).
        let scores = Variable.matmul(q, k, transposeB: true, alpha: 1 / Float(headSize).squareRoot())  // [B, H, T, T_k]
        // Causal mask: a position may not look at later positions.
        let weights = scores.causalMask(segments: segments).softmax()   // rows sum to 1
        // MARK: end
        return (weights, v)
    }

    /// What this layer attends to for input x [B, T, C]: the weights [B, H, T, T], for figures.
    public func weights(_ x: Variable) -> Tensor {
        noGrad { attend(x, cache: nil, segments: nil).weights.value }
    }
}
