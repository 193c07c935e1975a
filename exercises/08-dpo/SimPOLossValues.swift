import Core
import Foundation

/// Exercise 8.4 — The SimPO loss.
///
/// SimPO needs no reference model. Its reward is the policy's AVERAGE log-probability per
/// completion token, and it asks the chosen reply to win by a margin γ (TRL's CPOTrainer with
/// loss_type "simpo"):
///
///     avg_c = policyChosen[i] / chosenCounts[i],  avg_r = policyRejected[i] / rejectedCounts[i]
///     loss[i] = −log σ(β (avg_c − avg_r) − γ)
///
/// Return the per-pair losses, computing −log σ(x) without overflow.
public func simpoLoss(policyChosen: [Float], policyRejected: [Float], chosenCounts: [Int], rejectedCounts: [Int],
                      beta: Float, gamma: Float) throws -> [Float] {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.4")
}
