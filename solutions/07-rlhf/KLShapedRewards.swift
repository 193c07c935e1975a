import Core
import Foundation

/// Exercise 7.4 — The per-token KL reward.
///
/// For each response token, estimate the KL to the reference from the sampled token:
///
///     k1: kl_t = logProbs[t] − refLogProbs[t]
///     k3: r = refLogProbs[t] − logProbs[t];  kl_t = (exp(r) − 1) − r
///
/// The reward of token t is −beta·kl_t, and the reward model's `score` is added to the reward
/// of the LAST token only. Return the per-token rewards (empty for an empty response).
public func klShapedRewards(logProbs: [Float], refLogProbs: [Float], score: Float, beta: Float, useK3: Bool) throws -> [Float] {
    var rewards: [Float] = []
    for t in logProbs.indices {
        let kl: Float
        if useK3 {
            let r = refLogProbs[t] - logProbs[t]
            kl = (expf(r) - 1) - r
        } else {
            kl = logProbs[t] - refLogProbs[t]
        }
        rewards.append(-beta * kl)
    }
    if !rewards.isEmpty { rewards[rewards.count - 1] += score }
    return rewards
}
