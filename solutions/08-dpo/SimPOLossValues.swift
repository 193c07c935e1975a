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
    policyChosen.indices.map { i in
        let x = beta * (policyChosen[i] / Float(chosenCounts[i]) - policyRejected[i] / Float(rejectedCounts[i])) - gamma
        return x >= 0 ? log1p(expf(-x)) : -x + log1p(expf(x))
    }
}
