import Core
import Foundation

/// Exercise 2.4 — One decoding step with a KV cache.
///
/// While generating, the token at position t arrives alone. Its query, key and value (one
/// head) are `query`, `key`, `value`, each [1, D]. `keys` and `values` hold the keys and
/// values of the positions before it, [t, D] (at the first step t = 0 and the shape is [0, D]).
///
///   1. Append: replace `keys` by a [t + 1, D] tensor whose last row is `key`, and `values`
///      likewise with `value`.
///   2. Attend: return the new token's output [1, D] over all t + 1 positions:
///        weights = softmax(query · keys[j] / √D  for j in 0...t)
///        out     = Σ_j weights[j] · values[j]
///
/// No mask is needed: every cached position is at or before the new token. The result equals
/// row t of the full causal attention over positions 0...t (Exercise 2.3), at a cost of one
/// position instead of t + 1.
public func kvCacheStep(query: Tensor, key: Tensor, value: Tensor,
                        keys: inout Tensor, values: inout Tensor) throws -> Tensor {
    let d = query.count, t = keys.shape[0]
    // 1. Append the new row to the cache.
    func appended(_ cache: Tensor, _ row: Tensor) -> Tensor {
        let grown = Tensor(zeros: [t + 1, d])
        for i in 0..<(t * d) { grown[i] = cache[i] }
        for c in 0..<d { grown[t * d + c] = row[c] }
        return grown
    }
    keys = appended(keys, key)
    values = appended(values, value)
    // 2. Attend over positions 0...t.
    let scale = 1 / Float(d).squareRoot()
    var weights = [Float](repeating: 0, count: t + 1)
    for j in 0...t {
        var dot: Float = 0
        for c in 0..<d { dot += query[c] * keys[j * d + c] }
        weights[j] = dot * scale
    }
    let m = weights.max()!
    weights = weights.map { exp($0 - m) }
    let sum = weights.reduce(0, +)
    let out = Tensor(zeros: [1, d])
    for j in 0...t {
        for c in 0..<d { out[c] += weights[j] / sum * values[j * d + c] }
    }
    return out
}
