import Core
import Foundation

/// Exercise 2.3 — Causal self-attention for one head.
///
/// `q`, `k`, `v` are the queries, keys and values of one head, each [T, D] (row t belongs to
/// position t). Return the head's output [T, D]:
///
///   scores[i, j]  = (q[i] · k[j]) / √D                     [T, T]
///   scores[i, j]  = −∞ where j > i                          (the causal mask, Exercise 2.2)
///   weights[i, :] = softmax(scores[i, :])                   each row sums to 1
///   out[i, :]     = Σ_j weights[i, j] · v[j, :]             [T, D]
///
/// So row i of the output is a weighted average of the value rows 0...i; row 0 is v[0].
/// Subtract each row's maximum before `exp` so large scores do not overflow.
/// Plain loops over the tensors' elements are fine (x[r * D + c] is element (r, c)).
public func attentionHead(q: Tensor, k: Tensor, v: Tensor) throws -> Tensor {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.3")
}
