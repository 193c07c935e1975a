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
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.1")
}

/// dL/d logits [N, T, V] from dL/d(each sequence's log-probability), `upstream` [N].
public func sequenceLogProbsBackward(logits: Tensor, targets: [Int], mask: [Bool], upstream: [Float]) throws -> Tensor {
    // Write your code here too.
    throw Todo("8.1")
}
