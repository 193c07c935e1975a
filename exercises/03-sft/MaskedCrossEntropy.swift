import Core
import Foundation

/// Exercise 3.3 — Cross-entropy that skips masked positions, and its gradient.
///
/// `logits` is [N, V]; `targets` has N entries, each a token id or `CrossEntropy.ignoreIndex`
/// (-100). With C the number of positions whose target is not ignored, return
///   loss     = (1/C) Σ over counted n of −log softmax(logits[n])[targets[n]]
///   gradient = d(loss)/d(logits), shape [N, V]: row n is (softmax(logits[n]) − onehot(targets[n])) / C
///              for a counted position, all zeros for an ignored one.
/// Compute log-softmax stably: subtract the row's maximum before exponentiating.
/// If every target is ignored, return a loss of 0 and an all-zero gradient.
/// `course run sft --mine` trains the SFT model on this gradient.
public func maskedCrossEntropy(logits: Tensor, targets: [Int]) throws -> (loss: Float, gradient: Tensor) {
    // Write your code here, then run `swift run course check 3`.
    throw Todo("3.3")
}
