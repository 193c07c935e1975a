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
    let v = logits.lastDim
    let gradient = Tensor(zeros: logits.shape)
    let counted = targets.filter { $0 != CrossEntropy.ignoreIndex }.count
    guard counted > 0 else { return (0, gradient) }
    let scale = 1 / Float(counted)
    var total: Float = 0
    for (n, target) in targets.enumerated() where target != CrossEntropy.ignoreIndex {
        let row = n * v
        var m = -Float.infinity
        for j in 0..<v { m = max(m, logits[row + j]) }
        var s: Float = 0
        for j in 0..<v { s += expf(logits[row + j] - m) }
        let lse = m + logf(s)                                  // log Σ exp(logits[n])
        total += lse - logits[row + target]
        // softmax − onehot, over the counted rows
        for j in 0..<v { gradient[row + j] = expf(logits[row + j] - lse) * scale }
        gradient[row + target] -= scale
    }
    return (total * scale, gradient)
}
