import Core
import Foundation

/// Exercise 8.2 — The DPO loss and its implicit rewards.
///
/// For each pair i you get four sequence log-probabilities: the policy's and the frozen
/// reference model's, of the chosen and of the rejected reply. DPO's implicit reward of a reply
/// is β times how much the policy raised its log-probability over the reference:
///
///     reward_c[i] = β (policyChosen[i] − referenceChosen[i])
///     reward_r[i] = β (policyRejected[i] − referenceRejected[i])
///     loss[i]     = −log σ(reward_c[i] − reward_r[i])
///
/// Return the per-pair losses and both rewards (TRL logs their means as rewards/chosen and
/// rewards/rejected). Compute −log σ(x) without overflow. Check: equal log-ratios give ln 2.
public func dpoLoss(policyChosen: [Float], policyRejected: [Float], referenceChosen: [Float], referenceRejected: [Float],
                    beta: Float) throws -> (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float]) {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.2")
}
