import Core
import Foundation

/// Exercise 1.3 — Softmax + cross-entropy backward, fused.
///
/// The loss is the MEAN over rows r whose target is not `ignoreIndex` of
/// −log softmax(logits[r])[targets[r]]. Return d(loss)/d(logits), shape [rows, V], with zero
/// rows where the target is ignored. Derive it on paper first: the book's "Cross-entropy"
/// section shows where the softmax and the one-hot vector come from.
public func crossEntropyGradient(logits: Tensor, targets: [Int], ignoreIndex: Int = CrossEntropy.ignoreIndex) throws -> Tensor {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.3")
}
