import Core
import Foundation

/// Exercise 8.1 — The log-probability of a completion.
///
/// `logits` [N, T, V] are a language model's outputs for N sequences of T tokens: row (n, t)
/// scores the token that comes at position t + 1. `targets` [N · T] holds that next token for
/// every position, and `mask` [N · T] says which positions count: only those predicting a
/// COMPLETION token (not the prompt, not padding).
///
/// Return, for each sequence n, the sum over its counted positions t of
/// log softmax(logits[n, t])[targets[n · T + t]]: the log-probability the model gives the whole
/// completion. Compute the log-softmax stably (subtract the row's maximum before exp).
public func sequenceLogProbs(logits: Tensor, targets: [Int], mask: [Bool]) throws -> [Float] {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.1")
}
