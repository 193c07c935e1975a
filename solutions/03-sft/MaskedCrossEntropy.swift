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
    let v = logits.lastDim
    var total: Float = 0
    var count = 0
    for (n, target) in targets.enumerated() where target != CrossEntropy.ignoreIndex {
        var m = -Float.infinity
        for j in 0..<v { m = max(m, logits[n * v + j]) }
        var s: Float = 0
        for j in 0..<v { s += expf(logits[n * v + j] - m) }
        total += m + logf(s) - logits[n * v + target]
        count += 1
    }
    return count == 0 ? 0 : total / Float(count)
}
