import Core
import Foundation

/// Exercise 7.2 — PPO's clipped objective: the policy loss and the value loss, with their gradients.
///
/// Each token t has the log-probability it gets now, the one it had when it was sampled, an
/// advantage A_t and a weight w_t: its share of the batch's loss (1/N for every token when
/// PPO averages over N tokens; GRPO gives the tokens of a reply of length L in a batch of B
/// replies 1/(B·L) each). The probability ratio exp(log π − log π_old) says how far the policy
/// has moved; PPO's policy loss stops rewarding a move beyond 1 ± `clip` and, of the clipped
/// and the unclipped version of −A_t·ratio, keeps the pessimistic (larger) one.
///
/// The value head is trained towards the returns the same way: a new estimate gets no credit
/// for moving more than `clip` away from the old one. Compare the squared error of the new
/// estimate with that of the estimate clipped around the old value, keep the larger, halve it.
///
/// Each returns the weighted sum of its per-token losses, Σ w_t·loss_t (sum in Double, as the
/// kit does; 0 for no tokens), and its gradient: the derivative of that sum with respect to
/// each token's log-probability (the policy loss) or each value estimate (the value loss),
/// one per token. Where the clipped term is kept and is flat, the token's gradient is 0. The
/// book gives the formulas, the derivatives and worked tokens. `course run rlhf --mine` trains
/// PPO and GRPO on these losses and gradients.
public func clippedPolicyLoss(logProbs: [Float], oldLogProbs: [Float], advantages: [Float], weights: [Float],
                              clip: Float) throws -> (loss: Float, gradient: [Float]) {
    // Write your code here, then run `swift run course check 7`.
    throw Todo("7.2")
}

/// The clipped value loss of a batch of tokens, ½·Σ w_t·max((V − R)², (V_clip − R)²), and its
/// gradient with respect to each value V_t.
public func clippedValueLoss(values: [Float], oldValues: [Float], returns: [Float], weights: [Float],
                             clip: Float) throws -> (loss: Float, gradient: [Float]) {
    // Write your code here too.
    throw Todo("7.2")
}
