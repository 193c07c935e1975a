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
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.4")
}
