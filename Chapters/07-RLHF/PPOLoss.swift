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
        if let mine = LearnerCode.function("ppoPolicyLoss", as: PPOLossFunction.self) {
            let lp = logProbs.value.array
            return (learnerLoss(logProbs, weights, name: "ppo_policy_mine") { mine(lp, oldLogProbs, advantages, $0, clip) },
                    learnerStats(lp, oldLogProbs, advantages, clip))
        }
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
        if let mine = LearnerCode.function("ppoValueLoss", as: PPOLossFunction.self) {
            let v = values.value.array
            return (learnerLoss(values, weights, name: "ppo_value_mine") { mine(v, oldValues, returns, $0, clip) },
                    learnerValueClipFraction(v, oldValues, returns, clip))
        }
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

extension PPOLoss {
    /// A loss computed by the learner's function (exercise 7.2), which returns the weighted sum
    /// of its per-token losses and its gradient with respect to `input` (the log-probabilities
    /// or the values); the gradient flows back into the model as the kit's chain of operations
    /// would send it. The loss is linear in the weights, so the gradient g arriving from above
    /// folds into them: d(g·L(w))/dx = dL(g·w)/dx. Asking the learner's function again with g·w
    /// (rather than multiplying its gradient by g) multiplies in the order the kit's backward
    /// does, so the reference solution trains bit for bit as the kit does (PPO's value loss
    /// arrives with g = the value coefficient; the policy loss with g = 1).
    static func learnerLoss(_ input: Variable, _ weights: [Float], name: String,
                            _ mine: @escaping ([Float]) -> (loss: Float, gradient: [Float])) -> Variable {
        let n = input.shape[0]
        let out = mine(weights)
        precondition(out.gradient.count == n, "exercise 7.2: \(out.gradient.count) gradients for \(n) tokens")
        return Variable(Tensor(scalar: out.loss), parents: [input], name: name) { g in
            let s = g.scalar
            let gradient = s == 1 ? out.gradient : mine(weights.map { $0 * s }).gradient
            precondition(gradient.count == n, "exercise 7.2: \(gradient.count) gradients for \(n) tokens")
            input.accumulate(Tensor([n], gradient))
        }
    }

    /// The kit's statistics of the policy loss (clip fraction, approximate KL), computed as
    /// `policy` computes them, for a run that takes the loss itself from the learner.
    static func learnerStats(_ logProbs: [Float], _ oldLogProbs: [Float], _ advantages: [Float], _ clip: Float) -> PolicyStats {
        let n = logProbs.count
        var clippedCount = 0, sq = 0.0
        for i in 0..<n {
            let d = logProbs[i] - oldLogProbs[i], ratio = Foundation.exp(d), minusA = -advantages[i]
            if minusA * min(max(ratio, 1 - clip), 1 + clip) > minusA * ratio { clippedCount += 1 }
            sq += Double(d) * Double(d)
        }
        return PolicyStats(clipFraction: Double(clippedCount) / Double(max(n, 1)), approxKL: 0.5 * sq / Double(max(n, 1)))
    }

    /// The kit's clip fraction of the value loss, computed as `value` computes it.
    static func learnerValueClipFraction(_ values: [Float], _ oldValues: [Float], _ returns: [Float], _ clip: Float) -> Double {
        var count = 0
        for i in values.indices {
            let vClipped = oldValues[i] + min(max(values[i] - oldValues[i], -clip), clip)
            if (vClipped - returns[i]) * (vClipped - returns[i]) > (values[i] - returns[i]) * (values[i] - returns[i]) { count += 1 }
        }
        return Double(count) / Double(max(values.count, 1))
    }
}

// The shape of the losses a learner plugs in with `course run rlhf --mine` (exercise 7.2): the
// exercise's signature, without `throws` — (inputs, old inputs, advantages or returns,
// weights, clip) → the weighted loss and its gradient with respect to the inputs.
public typealias PPOLossFunction = ([Float], [Float], [Float], [Float], Float) -> (loss: Float, gradient: [Float])
