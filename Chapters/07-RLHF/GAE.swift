import Core
import Foundation

// MARK: book gae
/// Generalised advantage estimation (Schulman et al.) over one response, reading tokens from
/// the last to the first. With V after the last token taken as 0 (the episode ends there):
///
///     δ_t = r_t + γ·V_{t+1} − V_t
///     A_t = δ_t + γ·λ·A_{t+1}
///     returns_t = A_t + V_t          (the value head's regression target)
///
/// λ trades bias for variance: λ = 0 trusts the value head (A_t = δ_t), λ = 1 uses the actual
/// rewards all the way to the end. RLHF uses γ = 1 (no discount within a short reply), λ = 0.95.
public enum GAE {
    public static func compute(rewards: [Float], values: [Float], gamma: Float = 1, lambda: Float = 0.95)
        -> (advantages: [Float], returns: [Float]) {
        KitAnswer.used("GAE.compute", answers: "7.1")
        precondition(rewards.count == values.count, "GAE: \(rewards.count) rewards vs \(values.count) values")
        var advantages = [Float](repeating: 0, count: rewards.count)
        var next: Float = 0, nextValue: Float = 0
        for t in stride(from: rewards.count - 1, through: 0, by: -1) {
            let delta = rewards[t] + gamma * nextValue - values[t]
            next = delta + gamma * lambda * next
            advantages[t] = next
            nextValue = values[t]
        }
        return (advantages, zip(advantages, values).map { $0 + $1 })
    }

    /// What PPO does with a batch: GAE for every response (of its own length), then the
    /// advantages of all tokens whitened together (`Whitening.whiten`). The returns stay as GAE
    /// gave them: the value head learns the reward's own scale.
    public static func batch(rewards: [[Float]], values: [[Float]], gamma: Float = 1, lambda: Float = 0.95)
        -> (advantages: [[Float]], returns: [[Float]]) {
        KitAnswer.used("GAE.batch", answers: "7.1")
        if let mine = LearnerCode.function("gaeBatch", as: GAEBatchFunction.self) { return mine(rewards, values, gamma, lambda) }
        precondition(rewards.count == values.count, "GAE: \(rewards.count) responses' rewards vs \(values.count) responses' values")
        var advantages: [[Float]] = [], returns: [[Float]] = []
        for (r, v) in zip(rewards, values) {
            let g = compute(rewards: r, values: v, gamma: gamma, lambda: lambda)
            advantages.append(g.advantages); returns.append(g.returns)
        }
        return (Whitening.whiten(advantages), returns)
    }
}

/// Advantage whitening: shift and scale every valid token's advantage in the batch so they
/// have mean 0 and standard deviation 1 (computed over all tokens of all responses, with
/// Bessel's correction as TRL's `masked_var`). The policy then sees "better or worse than
/// usual" rather than raw magnitudes, whatever the reward's scale.
public enum Whitening {
    public static func whiten(_ sequences: [[Float]], shiftMean: Bool = true, eps: Double = 1e-8) -> [[Float]] {
        KitAnswer.used("Whitening.whiten", answers: "7.1")
        let all = sequences.flatMap { $0 }.map(Double.init)
        guard all.count > 1 else { return sequences }
        let mean = all.reduce(0, +) / Double(all.count)
        var variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)
        variance *= Double(all.count) / Double(all.count - 1)
        let scale = 1 / (variance + eps).squareRoot()
        return sequences.map { s in s.map { Float((Double($0) - mean) * scale + (shiftMean ? 0 : mean)) } }
    }
}
// MARK: end

// MARK: book group-advantages
/// GRPO's advantage: no value model; each reply is compared with the other replies to the
/// same prompt. Rewards come in groups of `groupSize` (all samples of one prompt together):
///
///     A_i = (r_i − mean(group)) / (std(group) + ε)        (GRPO)
///     A_i =  r_i − mean(group)                            (Dr. GRPO: no std scaling)
///
/// std is the unbiased sample standard deviation (as `torch.std`), ε = 1e-4 (TRL). A group
/// whose replies all score the same gives zero advantages: it teaches nothing.
public enum GroupAdvantages {
    public static func compute(rewards: [Double], groupSize: Int, scaleByStd: Bool = true, eps: Double = 1e-4) -> [Double] {
        KitAnswer.used("GroupAdvantages.compute", answers: "7.4")
        precondition(groupSize > 0 && rewards.count % groupSize == 0, "GRPO: \(rewards.count) rewards in groups of \(groupSize)")
        var out: [Double] = []
        for start in stride(from: 0, to: rewards.count, by: groupSize) {
            let g = rewards[start..<(start + groupSize)]
            let mean = g.reduce(0, +) / Double(groupSize)
            let std = groupSize > 1 ? (g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(groupSize - 1)).squareRoot() : 0
            out += g.map { scaleByStd ? ($0 - mean) / (std + eps) : $0 - mean }
        }
        return out
    }

    /// What GRPO trains on, token by token, flattened reply after reply (reply i has
    /// `lengths[i]` tokens): its reply's advantage (Double, as the rewards, made Float), and the
    /// token's weight in the loss, which decides how the replies share it. GRPO averages each
    /// reply's tokens, then the replies: 1/(B·|o_i|) for B replies. Dr. GRPO gives every token
    /// the same 1/(B·maxNewTokens), so a long reply counts as much per token as a short one.
    public static func perToken(rewards: [Double], groupSize: Int, lengths: [Int], variant: GRPOVariant, maxNewTokens: Int)
        -> (advantages: [Float], weights: [Float]) {
        KitAnswer.used("GroupAdvantages.perToken", answers: "7.4")
        if let mine = LearnerCode.function("groupAdvantages", as: GroupAdvantagesFunction.self) {
            return mine(rewards, groupSize, lengths, maxNewTokens, variant == .drGRPO)
        }
        precondition(lengths.count == rewards.count, "GRPO: \(rewards.count) rewards for \(lengths.count) replies")
        let replyAdvantages = compute(rewards: rewards, groupSize: groupSize, scaleByStd: variant == .grpo)
        let b = Float(rewards.count)
        var advantages: [Float] = [], weights: [Float] = []
        for (i, n) in lengths.enumerated() {
            advantages += repeatElement(Float(replyAdvantages[i]), count: n)
            weights += repeatElement(variant == .grpo ? 1 / (b * Float(n)) : 1 / (b * Float(maxNewTokens)), count: n)
        }
        return (advantages, weights)
    }
}
// MARK: end

// The shapes of the functions a learner plugs in with `course run rlhf --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias GAEBatchFunction = ([[Float]], [[Float]], Float, Float) -> (advantages: [[Float]], returns: [[Float]])
/// (rewards, group size, tokens per reply, maximum new tokens, Dr. GRPO) → per-token advantages and weights.
public typealias GroupAdvantagesFunction = ([Double], Int, [Int], Int, Bool) -> (advantages: [Float], weights: [Float])
public typealias KLRewardsFunction = ([Float], [Float], Float, Float, Bool) -> [Float]
public typealias AdaptiveKLFunction = (Float, Double, Double, Double, Int) -> Float
