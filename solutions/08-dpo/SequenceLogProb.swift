import Core
import Foundation

/// Exercise 8.1 — The log-probability of a completion, forward and backward.
///
/// `logits` [N, T, V] are a language model's outputs for N sequences of T tokens: row (n, t)
/// scores the token that comes at position t + 1. `targets` [N · T] holds that next token for
/// every position, and `mask` [N · T] says which positions count: only those predicting a
/// COMPLETION token (not the prompt, not padding).
///
/// `sequenceLogProbs`: return, for each sequence n, the sum over its counted positions t of
/// log softmax(logits[n, t])[targets[n · T + t]]: the log-probability the model gives the whole
/// completion. Compute the log-softmax stably (subtract the row's maximum before exp).
///
/// `sequenceLogProbsBackward`: given `upstream[n]` = dL/d(log-prob of sequence n) for some
/// loss L (DPO's, in this chapter), return dL/d logits [N, T, V]: for each counted row
///
///     dL/d logits[n, t, j] = upstream[n] · ([j = target] − softmax(logits[n, t])[j])
///
/// and zero in every row that does not count. With both, `course run dpo --mine` trains the
/// policy through your log-probabilities.
public func sequenceLogProbs(logits: Tensor, targets: [Int], mask: [Bool]) throws -> [Float] {
    let (n, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
    var out = [Float](repeating: 0, count: n)
    for row in 0..<(n * t) where mask[row] {
        let (m, s) = maxAndSumExp(logits, from: row * v, count: v)
        out[row / t] += logits[row * v + targets[row]] - m - logf(s)
    }
    return out
}

/// dL/d logits [N, T, V] from dL/d(each sequence's log-probability), `upstream` [N].
public func sequenceLogProbsBackward(logits: Tensor, targets: [Int], mask: [Bool], upstream: [Float]) throws -> Tensor {
    let (n, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
    let grad = Tensor(zeros: [n, t, v])                  // rows that do not count stay zero
    for row in 0..<(n * t) where mask[row] {
        let base = row * v, g = upstream[row / t]
        let (m, s) = maxAndSumExp(logits, from: base, count: v)
        // −upstream · softmax everywhere, then + upstream at the target: upstream · (one-hot − softmax).
        for j in 0..<v { grad[base + j] = -g * expf(logits[base + j] - m) / s }
        grad[base + targets[row]] += g
    }
    return grad
}

/// The row's maximum m and Σ_j exp(x_j − m): log-softmax(x)_k = x_k − m − log s, softmax(x)_k = exp(x_k − m) / s.
private func maxAndSumExp(_ x: Tensor, from base: Int, count v: Int) -> (m: Float, s: Float) {
    var m = -Float.infinity
    for j in 0..<v { m = max(m, x[base + j]) }
    var s: Float = 0
    for j in 0..<v { s += expf(x[base + j] - m) }
    return (m, s)
}
