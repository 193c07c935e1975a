import Core
import Foundation

/// Exercise 7.2 — PPO's clipped policy loss.
///
/// Each token has the log-probability it gets now, the one it had when it was sampled, and
/// an advantage. The probability ratio between the two says how far the policy has moved;
/// PPO's objective stops rewarding a move beyond 1 ± `clip` and, of the clipped and the
/// unclipped version, keeps the pessimistic one (the book gives the formula and worked tokens).
///
/// Return the mean loss over the tokens (0 for no tokens).
public func clippedPolicyLoss(logProbs: [Float], oldLogProbs: [Float], advantages: [Float], clip: Float) throws -> Float {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.2")
}
