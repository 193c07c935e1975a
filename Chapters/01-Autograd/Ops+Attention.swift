import Core

// Fused causal self-attention: one operation for what Chapter 2 explains as five (scores, mask,
// softmax, weighted sum, heads side by side). The result is the same; the memory traffic is not.
// Written as separate operations, attention stores the [B, H, T, T] scores, their masked copy
// and the softmax weights, and walks over each of them again in backward. Fused, it keeps only
// the output and one number per query row, L = log Σⱼ e^(sⱼ) (the log-sum-exp), from which the
// backward pass recomputes the weights tile by tile. The loops are `FusedAttention` in Core.

extension Variable {
    /// Causal self-attention of the heads packed in `qkv` [B, T, 3C], as `c_attn` produces them:
    /// queries in columns 0..<C, keys in C..<2C, values in 2C..<3C, head h in columns h·D..<(h+1)·D
    /// of each (D = C / heads). Returns [B, T, C], the heads' outputs side by side:
    ///   out_h = softmax(Q_h K_hᵀ / √D + M) V_h
    /// with M the causal mask (−∞ above the diagonal) and, with `segments` [B·T] (packed
    /// examples), −∞ between positions of different examples too.
    ///
    /// Backward, with P the weights (recomputed from L) and Dᵢ = Σ_c dO[i, c] · O[i, c]:
    ///   dV = Pᵀ dO,  dS = P ∘ (dO Vᵀ − D),  dQ = dS K / √D,  dK = dSᵀ Q / √D,
    /// written into the matching columns of qkv's gradient.
    ///
    /// With `cache` (generation), only the T new positions are in qkv and their queries attend
    /// over `cache.keys` and `cache.values` [B, capacity, C], whose first `cache.length` rows hold
    /// every position so far, the new ones included (the caller appends them first). Query i then
    /// sits at position length − T + i. A cache is for inference: no gradient flows through it.
    public static func causalAttention(_ qkv: Variable, heads: Int, segments: [Int]? = nil,
                                       cache: (keys: Tensor, values: Tensor, length: Int)? = nil) -> Variable {
        let x = qkv.value
        requireShape(x.rank == 3 && x.lastDim % (3 * heads) == 0, "causalAttention (qkv [B, T, 3C], C divisible by heads)",
                     x.shape, [heads])
        let (b, t, c) = (x.shape[0], x.shape[1], x.lastDim / 3)
        let keys = cache?.length ?? t
        let shape = FusedAttention.Shape(batch: b, heads: heads, headSize: c / heads, queries: t, keys: keys)
        if let segments { precondition(cache == nil && segments.count == b * t, "causalAttention: \(segments.count) segment ids for qkv \(x.shape)") }
        // Queries, keys and values read in place from qkv's rows (3C apart); or keys and values
        // from the cache's rows (C apart, capacity rows per batch row).
        let q = FusedAttention.Heads(x.data, batchStride: t * 3 * c, rowStride: 3 * c)
        var k = FusedAttention.Heads(x.data + c, batchStride: t * 3 * c, rowStride: 3 * c)
        var v = FusedAttention.Heads(x.data + 2 * c, batchStride: t * 3 * c, rowStride: 3 * c)
        if let cache {
            precondition(!(GradMode.isEnabled && qkv.requiresGrad), "causalAttention: a KV cache is for inference (use noGrad)")
            requireShape(cache.keys.shape == cache.values.shape && cache.keys.rank == 3 && cache.keys.shape[0] == b
                         && cache.keys.lastDim == c && cache.length <= cache.keys.shape[1] && t <= cache.length,
                         "causalAttention cache", cache.keys.shape, x.shape)
            let capacity = cache.keys.shape[1]
            k = FusedAttention.Heads(cache.keys.data, batchStride: capacity * c, rowStride: c)
            v = FusedAttention.Heads(cache.values.data, batchStride: capacity * c, rowStride: c)
        }
        let out = Tensor(uninitialized: [b, t, c])                 // [B, T, C], heads side by side
        let o = FusedAttention.Heads(out.data, batchStride: t * c, rowStride: c)
        let training = GradMode.isEnabled && qkv.requiresGrad
        let lse = training ? Tensor(uninitialized: [b, heads, t]) : nil   // L per query row
        // `course run transformer --mine`: the learner's mask (exercise 2.2), [B, T, T_k], hides
        // the keys; nil (nothing installed): the kit's rule, in the kernel.
        let hidden = LearnerCode.function("causalMask", as: CausalMaskFunction.self).map {
            learnerMask($0, batch: b, queries: t, keys: keys, segments: segments)
        }
        withOptionalPointer(segments) { seg in
            FusedAttention.forward(q: q, k: k, v: v, out: o, lse: lse?.data, shape: shape, segments: seg, hidden: hidden?.data)
        }
        return Variable(out, parents: [qkv], name: "causal_attention") { g in
            guard let lse else { return }
            let (dx, fresh) = qkv.gradBuffer(overwrite: true)      // [B, T, 3C]: dQ | dK | dV
            func window(_ col: Int) -> FusedAttention.Heads {
                FusedAttention.Heads(dx.data + col, batchStride: t * 3 * c, rowStride: 3 * c)
            }
            withOptionalPointer(segments) { seg in
                FusedAttention.backward(q: q, k: k, v: v, out: o, dOut: FusedAttention.Heads(g.data, batchStride: t * c, rowStride: c),
                                        lse: lse.data, dq: window(0), dk: window(c), dv: window(2 * c), shape: shape,
                                        segments: seg, hidden: hidden?.data, accumulate: !fresh)   // a fresh buffer is written, not zeroed first
            }
        }
    }
}

/// Calls `body` with a pointer to the array's elements, or nil.
@inline(__always)
func withOptionalPointer<R>(_ array: [Int]?, _ body: (UnsafePointer<Int>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
