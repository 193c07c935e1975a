import Core
import Foundation

/// Exercise 7.2 — PPO's clipped policy loss.
///
/// For each token: ratio = exp(logProbs[t] − oldLogProbs[t]) and
///
///     loss_t = max(−A_t·ratio, −A_t·clip(ratio, 1 − clip, 1 + clip))
///
/// Return the mean of loss_t over the tokens (0 for no tokens).
public func clippedPolicyLoss(logProbs: [Float], oldLogProbs: [Float], advantages: [Float], clip: Float) throws -> Float {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.2")
}
