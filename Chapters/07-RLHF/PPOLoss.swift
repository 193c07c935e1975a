import Autograd
import Core
import Foundation

/// PPO's two losses over the N response tokens of a minibatch (flattened, so there is no
/// padding to mask). `weights` [N] says how much each token counts: 1/N for the token mean
/// PPO uses; GRPO passes per-sequence weights.
public enum PPOLoss {
    public struct PolicyStats: Sendable {
        /// Share of tokens whose ratio was clipped (the clipped term was the larger loss).
        public var clipFraction: Double
        /// ½·mean((log π − log π_old)²): how far this update moved the policy (TRL's approxkl).
        public var approxKL: Double
    }

    // MARK: book policy-loss
    /// The clipped surrogate. ratio = π(y)/π_old(y) = exp(log π − log π_old); per token
    ///
    ///     loss_t = max(−A_t·ratio_t, −A_t·clip(ratio_t, 1−ε, 1+ε))
    ///
    /// The max picks the pessimistic term: once the ratio has moved more than ε in the
    /// direction the advantage favours, the gradient stops (clip's derivative is 0 there), so
    /// one batch of samples cannot push the policy arbitrarily far.
    public static func policy(logProbs: Variable, oldLogProbs: [Float], advantages: [Float], weights: [Float],
                              clip: Float = 0.2) -> (loss: Variable, stats: PolicyStats) {
        KitAnswer.used("PPOLoss.policy", answers: "7.2")
        let n = logProbs.shape[0]
        precondition(oldLogProbs.count == n && advantages.count == n && weights.count == n,
                     "policy loss: \(n) tokens, \(oldLogProbs.count) old log-probs, \(advantages.count) advantages")
        let ratio = (logProbs - Variable(Tensor([n], oldLogProbs))).exp()
        let minusA = Variable(Tensor([n], advantages.map { -$0 }))
        let unclipped = minusA * ratio
        let clipped = minusA * ratio.clamp(1 - clip, 1 + clip)
        let loss = (Variable.maximum(unclipped, clipped) * Variable(Tensor([n], weights))).sum()
        // MARK: end
        var clippedCount = 0, sq = 0.0
        for i in 0..<n {
            if clipped.value[i] > unclipped.value[i] { clippedCount += 1 }
            let d = Double(logProbs.value[i] - oldLogProbs[i]); sq += d * d
        }
        return (loss, PolicyStats(clipFraction: Double(clippedCount) / Double(max(n, 1)), approxKL: 0.5 * sq / Double(max(n, 1))))
    }

    // MARK: book value-loss
    /// The value head's regression onto the GAE returns, with the new prediction kept within
    /// ±ε of the old one (the same pessimistic max as the policy):
    ///
    ///     V_clip = V_old + clip(V − V_old, −ε, ε)
    ///     loss_t = ½·max((V − R)², (V_clip − R)²)
    public static func value(values: Variable, oldValues: [Float], returns: [Float], weights: [Float],
                             clip: Float = 0.2) -> (loss: Variable, clipFraction: Double) {
        KitAnswer.used("PPOLoss.value", answers: "7.2")
        let n = values.shape[0]
        precondition(oldValues.count == n && returns.count == n && weights.count == n,
                     "value loss: \(n) values, \(oldValues.count) old values, \(returns.count) returns")
        let old = Variable(Tensor([n], oldValues)), target = Variable(Tensor([n], returns))
        let vClipped = old + (values - old).clamp(-clip, clip)
        let unclipped = (values - target).square()
        let clipped = (vClipped - target).square()
        let loss = 0.5 * (Variable.maximum(unclipped, clipped) * Variable(Tensor([n], weights))).sum()
        // MARK: end
        var count = 0
        for i in 0..<n where clipped.value[i] > unclipped.value[i] { count += 1 }
        return (loss, Double(count) / Double(max(n, 1)))
    }
}
