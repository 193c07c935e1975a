import Core
import Foundation

/// Exercise 7.3 — The KL penalty: per-token rewards, and the controller that adapts β.
///
/// PPO does not maximise the score alone: every response token pays β times an estimate of
/// how far the policy has moved from the reference on it (the k1 or the k3 estimator), and
/// the reward model's score lands on the last token. `klShapedRewards` returns one reward per
/// token (none for an empty response).
///
/// After each batch, `adaptiveKLUpdate` nudges β towards the KL target: up when the batch's
/// mean KL overshot it, down when it fell short, by a proportional error that is clipped so
/// one odd batch cannot throw β around (Ziegler et al.; the book gives the formula).
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

/// The new β after a batch of `steps` responses whose mean KL to the reference was `observedKL`.
public func adaptiveKLUpdate(beta: Float, observedKL: Double, target: Double, horizon: Double, steps: Int) throws -> Float {
    let error = min(max(observedKL / target - 1, -0.2), 0.2)
    return beta * Float(1 + error * Double(steps) / horizon)
}
