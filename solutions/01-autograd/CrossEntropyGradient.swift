import Core
import Foundation

/// Exercise 1.3 — Softmax + cross-entropy backward, fused.
///
/// The loss is the MEAN over rows r whose target is not `ignoreIndex` of
/// −log softmax(logits[r])[targets[r]]. Return d(loss)/d(logits), shape [rows, V], with zero
/// rows where the target is ignored. Derive it on paper first: the book's "Cross-entropy"
/// section shows where the softmax and the one-hot vector come from.
public func crossEntropyGradient(logits: Tensor, targets: [Int], ignoreIndex: Int = CrossEntropy.ignoreIndex) throws -> Tensor {
    let v = logits.lastDim, rows = logits.rows
    let grad = Tensor(zeros: logits.shape)
    let count = targets.filter { $0 != ignoreIndex }.count
    guard count > 0 else { return grad }
    let p = logits.softmax()
    for r in 0..<rows where targets[r] != ignoreIndex {
        for j in 0..<v { grad[r * v + j] = p[r * v + j] / Float(count) }
        grad[r * v + targets[r]] -= 1 / Float(count)
    }
    return grad
}
