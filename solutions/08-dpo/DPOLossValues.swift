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
    var losses: [Float] = [], chosen: [Float] = [], rejected: [Float] = []
    for i in policyChosen.indices {
        let c = beta * (policyChosen[i] - referenceChosen[i])
        let r = beta * (policyRejected[i] - referenceRejected[i])
        let x = c - r
        losses.append(x >= 0 ? log1p(expf(-x)) : -x + log1p(expf(x)))
        chosen.append(c)
        rejected.append(r)
    }
    return (losses, chosen, rejected)
}
