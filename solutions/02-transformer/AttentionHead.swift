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
    let t = q.shape[0], d = q.shape[1]
    let scale = 1 / Float(d).squareRoot()
    let out = Tensor(zeros: [t, d])
    var weights = [Float](repeating: 0, count: t)
    for i in 0..<t {
        // Scores of query i against keys 0...i (later keys are masked: weight 0).
        var maxScore = -Float.infinity
        for j in 0...i {
            var dot: Float = 0
            for c in 0..<d { dot += q[i * d + c] * k[j * d + c] }
            weights[j] = dot * scale
            maxScore = max(maxScore, weights[j])
        }
        var sum: Float = 0
        for j in 0...i {
            weights[j] = exp(weights[j] - maxScore)
            sum += weights[j]
        }
        // Weighted sum of the value rows.
        for j in 0...i {
            let w = weights[j] / sum
            for c in 0..<d { out[i * d + c] += w * v[j * d + c] }
        }
    }
    return out
}
