import Core
import Foundation

/// Exercise 7.2 — PPO's clipped objective: the policy loss and the value loss.
///
/// Each token has the log-probability it gets now, the one it had when it was sampled, and
/// an advantage. The probability ratio between the two says how far the policy has moved;
/// PPO's policy loss stops rewarding a move beyond 1 ± `clip` and, of the clipped and the
/// unclipped version, keeps the pessimistic one.
///
/// The value head is trained towards the returns the same way: a new estimate gets no credit
/// for moving more than `clip` away from the old one. Compare the squared error of the new
/// estimate with that of the estimate clipped around the old value, keep the larger, halve it.
///
/// Both return the mean loss over the tokens (0 for no tokens). The book gives the formulas
/// and worked tokens.
public func clippedPolicyLoss(logProbs: [Float], oldLogProbs: [Float], advantages: [Float], clip: Float) throws -> Float {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.2")
}

/// The clipped value loss of a batch of tokens.
public func clippedValueLoss(values: [Float], oldValues: [Float], returns: [Float], clip: Float) throws -> Float {
    // Write your code here too.
    throw Todo("7.2")
}
