import Core
import Foundation

/// How the per-token KL between the policy and the frozen reference is estimated from the one
/// token that was sampled (we never sum over the whole vocabulary).
///
/// With r = log π_ref(y_t) − log π(y_t):
/// - `k1` = −r = log π − log π_ref: unbiased, but negative for some tokens (noisy).
/// - `k3` = (eʳ − 1) − r: also unbiased, never negative, lower variance (Schulman's "k3").
public enum KLEstimator: String, Codable, Sendable, CaseIterable {
    case k1, k3
}

// MARK: book kl-reward
/// The reward PPO actually maximises, token by token: a penalty for drifting from the
/// reference model on every token, plus the reward model's (or grader's) score on the last one.
///
///     kl_t     = log π(y_t) − log π_ref(y_t)            (k1)   or   (eʳ − 1) − r, r = −kl_t   (k3)
///     reward_t = −β · kl_t,     reward_last += score
public enum KLPenalty {
    /// One KL estimate per response token; `logProbs` and `refLogProbs` have the same length.
    public static func perToken(logProbs: [Float], refLogProbs: [Float], estimator: KLEstimator) -> [Float] {
        precondition(logProbs.count == refLogProbs.count, "KL: \(logProbs.count) log-probs vs \(refLogProbs.count) reference log-probs")
        return zip(logProbs, refLogProbs).map { lp, ref in
            switch estimator {
            case .k1: return lp - ref
            case .k3: let r = ref - lp; return (expf(r) - 1) - r
            }
        }
    }

    /// Per-token rewards of one response: −β·kl_t everywhere, the score added at the last token.
    public static func rewards(logProbs: [Float], refLogProbs: [Float], score: Float, beta: Float,
                               estimator: KLEstimator) -> [Float] {
        KitAnswer.used("KLPenalty.rewards", answers: "7.3")
        if let mine = LearnerCode.function("klRewards", as: KLRewardsFunction.self) { return mine(logProbs, refLogProbs, score, beta, estimator == .k3) }
        var r = perToken(logProbs: logProbs, refLogProbs: refLogProbs, estimator: estimator).map { -beta * $0 }
        if !r.isEmpty { r[r.count - 1] += score }
        return r
    }
}
// MARK: end

/// Something that sets β, the weight of the KL penalty.
public protocol KLController: Sendable {
    var value: Float { get }
    /// Called once per PPO batch with the batch's mean KL (summed over each response's tokens)
    /// and the number of responses in the batch.
    mutating func update(observedKL: Double, steps: Int)
}

/// A constant β.
public struct FixedKLController: KLController, Codable {
    public let value: Float
    public init(_ value: Float) { self.value = value }
    public mutating func update(observedKL: Double, steps: Int) {}
}

// MARK: book adaptive-kl
/// Ziegler et al.'s proportional controller: β grows when the policy is further from the
/// reference than `target` nats, shrinks when it is closer, by at most 20% of
/// `steps / horizon` per update, so β changes slowly and smoothly.
///
///     e = clip(KL / target − 1, −0.2, 0.2);   β ← β · (1 + e · steps / horizon)
public struct AdaptiveKLController: KLController, Codable {
    public private(set) var value: Float
    public let target: Double
    public let horizon: Double

    /// Defaults of the classic setup (and TRL's): β₀ 0.2, target 6 nats, horizon 10000.
    public init(initial: Float = 0.2, target: Double = 6, horizon: Double = 10000) {
        (value, self.target, self.horizon) = (initial, target, horizon)
    }

    public mutating func update(observedKL: Double, steps: Int) {
        KitAnswer.used("AdaptiveKLController.update", answers: "7.3")
        if let mine = LearnerCode.function("adaptiveKL", as: AdaptiveKLFunction.self) { value = mine(value, observedKL, target, horizon, steps); return }
        let error = min(max(observedKL / target - 1, -0.2), 0.2)
        value *= Float(1 + error * Double(steps) / horizon)
    }
}
// MARK: end
