import Autograd
import Core

extension CausalSelfAttention {
    /// Attention under `course run transformer --mine`: every head's output computed by the
    /// learner's function, one (batch row, head) at a time, from the queries, keys and values
    /// the kit's `c_attn` made (qkv [B, T, 3C]). Training: exercise 2.3 gives the values and the
    /// kit's fused attention the gradient, after checking they agree. Generation with a cache:
    /// exercise 2.4 gives each new position's output from the cached keys and values.
    /// Packed sequences (segments) are not what the exercise computes: the kit's attention runs.
    func learnerAttention(_ qkv: Variable, cache: LayerCache?, segments: [Int]?, _ mine: AttentionHeadFunction) -> Variable {
        if let cache { return learnerCachedAttention(qkv, cache: cache) }
        let kit = Variable.causalAttention(qkv, heads: heads, segments: segments)
        guard segments == nil else { return kit }
        let x = qkv.value
        let (b, t, c, d) = (x.shape[0], x.shape[1], x.lastDim / 3, headSize)
        let out = Tensor(uninitialized: [b, t, c])
        for row in 0..<b {
            for h in 0..<heads {
                // Head h's columns of the queries (0), keys (C) and values (2C), [T, D] each.
                func part(_ offset: Int) -> Tensor {
                    let p = Tensor(uninitialized: [t, d])
                    for i in 0..<t { (p.data + i * d).update(from: x.data + (row * t + i) * 3 * c + offset + h * d, count: d) }
                    return p
                }
                let o = mine(part(0), part(c), part(2 * c))
                precondition(o.count == t * d, "attentionHead returned \(o.count) values for [\(t), \(d)]")
                for i in 0..<t { (out.data + (row * t + i) * c + h * d).update(from: o.data + i * d, count: d) }
            }
        }
        return kit.withLearnerValues(out, exercise: "2.3", what: "the attention output")
    }

    /// One decoding call with a KV cache: each new position's keys and values appended, and its
    /// output read, by the learner's `kvCacheStep` (exercise 2.4), head by head. The kit's cache
    /// is appended as well (the later steps read it) and must hold what the learner's holds.
    func learnerCachedAttention(_ qkv: Variable, cache: LayerCache) -> Variable {
        let before = cache.length
        cache.append(qkv.value)
        let kit = Variable.causalAttention(qkv, heads: heads, cache: (cache.keys!, cache.values!, cache.length))
        guard let step = LearnerCode.function("kvCacheStep", as: KVCacheStepFunction.self) else { return kit }
        let x = qkv.value
        let (b, t, c, d) = (x.shape[0], x.shape[1], x.lastDim / 3, headSize)
        let capacity = cache.keys!.shape[1]
        let out = Tensor(uninitialized: [b, t, c])
        for row in 0..<b {
            for h in 0..<heads {
                // The positions cached before this call, [before, D], then one new row at a time.
                func cached(_ buffer: Tensor) -> Tensor {
                    let p = Tensor(uninitialized: [before, d])
                    for j in 0..<before { (p.data + j * d).update(from: buffer.data + (row * capacity + j) * c + h * d, count: d) }
                    return p
                }
                var keys = cached(cache.keys!), values = cached(cache.values!)
                for i in 0..<t {
                    func new(_ offset: Int) -> Tensor {
                        Tensor([1, d], Array(UnsafeBufferPointer(start: x.data + (row * t + i) * 3 * c + offset + h * d, count: d)))
                    }
                    let o = step(new(0), new(c), new(2 * c), &keys, &values)
                    precondition(o.count == d && keys.count == (before + i + 1) * d && values.count == keys.count,
                                 "kvCacheStep returned \(o.count) values and a cache of \(keys.count / max(d, 1)) rows after \(before + i) cached")
                    (out.data + (row * t + i) * c + h * d).update(from: o.data, count: d)
                }
            }
        }
        return kit.withLearnerValues(out, exercise: "2.4", what: "the attention output with a KV cache")
    }
}

// The shapes of the functions a learner plugs in with `course run transformer --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias AttentionHeadFunction = (Tensor, Tensor, Tensor) -> Tensor
public typealias KVCacheStepFunction = (Tensor, Tensor, Tensor, inout Tensor, inout Tensor) -> Tensor
