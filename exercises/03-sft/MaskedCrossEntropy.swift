import Core
import Foundation

/// Exercise 3.3 — Cross-entropy that skips masked positions.
///
/// `logits` is [N, V]; `targets` has N entries, each a token id or `CrossEntropy.ignoreIndex`
/// (-100). Return the MEAN over the positions whose target is not ignored of
///   −log softmax(logits[n])[targets[n]].
/// Compute log-softmax stably: subtract the row's maximum before exponentiating.
/// If every target is ignored, return 0.
public func maskedCrossEntropy(logits: Tensor, targets: [Int]) throws -> Float {
    // Write your code here, then run `swift run course check 3`.
    throw Todo("3.3")
}
