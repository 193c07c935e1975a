import Autograd
import Core
import Foundation
import SFT
import Transformer

/// Which GRPO objective: DeepSeekMath's, or Dr. GRPO (Liu et al. 2025), which removes the two
/// normalisations that bias it: the per-reply length average (long wrong replies are
/// penalised less per token) and the division by the group's std (easy or hopeless prompts,
/// with a small std, get outsized weight).
public enum GRPOVariant: String, Codable, Sendable, CaseIterable {
    case grpo
    case drGRPO = "dr-grpo"
}

/// GRPO hyperparameters (DeepSeekMath; TRL's GRPOConfig where they agree).
public struct GRPOConfig: Codable, Sendable {
    public var learningRate: Float = 1e-6
    /// Prompts per step, and G: replies sampled per prompt (one group).
    public var promptsPerStep = 4
    public var groupSize = 8
    /// μ: optimisation steps on each batch (1: the ratio is 1 and clipping never bites).
    public var iterations = 1
    /// Replies per forward pass (gradients are accumulated over the whole batch).
    public var miniBatchSize = 8
    public var clipRange: Float = 0.2
    /// β of the k3 KL term in the loss (DeepSeekMath 0.04; recent TRL defaults to 0).
    public var beta: Float = 0.04
    public var variant: GRPOVariant = .grpo
    public var temperature: Float = 1
    public var maxNewTokens = ReplyEvaluator.replyTokenLimit
    public var missingEndPenalty: Double = 0
    public var maxGradNorm: Float = 1
    public var seed: UInt64 = 1
    public init() {}
}

/// Group Relative Policy Optimisation: no value model; each reply's advantage is how much
/// better it scored than the other replies to the same prompt, given to every one of its tokens.
/// The KL to the reference is a term of the loss (k3), not part of the reward.
public final class GRPOTrainer {
    public let policy: GPT
    public let reference: GPT
    public let sampler: RolloutSampler
    public let reward: RewardFunction
    public let config: GRPOConfig
    public let optimizer: AdamW
    public var rng: SeededRandom
    public private(set) var step = 0
    var prompts: PromptCycler
    let pad: Int

    public init(policy: GPT, reference: GPT, template: ChatTemplate, reward: RewardFunction, prompts: [RLPrompt], config: GRPOConfig) {
        self.policy = policy
        self.reference = reference
        self.reward = reward
        self.config = config
        sampler = RolloutSampler(template: template, maxNewTokens: config.maxNewTokens, temperature: config.temperature)
        optimizer = AdamW(policy.parameters, learningRate: config.learningRate, weightDecay: 0)
        rng = SeededRandom(seed: config.seed)
        self.prompts = PromptCycler(prompts)
        pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
    }

    func chunks(_ n: Int) -> [Range<Int>] {
        stride(from: 0, to: n, by: config.miniBatchSize).map { $0..<min($0 + config.miniBatchSize, n) }
    }

    func logProbs(_ model: GPT, _ rollouts: [Rollout]) -> (logProbs: [Float], entropy: [Float]) {
        noGrad {
            var lp: [Float] = [], h: [Float] = []
            for c in chunks(rollouts.count) {
                let o = TokenScoring.forward(model, rollouts: Array(rollouts[c]), temperature: config.temperature, pad: pad)
                lp += o.logProbs.value.array; h += o.entropy
            }
            return (lp, h)
        }
    }

    // MARK: book grpo-step
    public func train() throws -> RLStepStats {
        let start = Date()
        var stats = RLStepStats()
        // 1. G replies to each prompt, scored.
        let batch = try RolloutBatch.collect(policy: policy, sampler: sampler, prompts: prompts.next(config.promptsPerStep, rng: &rng),
                                             count: config.groupSize, reward: reward,
                                             missingEndPenalty: config.missingEndPenalty, rng: &rng)
        let rollouts = batch.rollouts
        // 2. Group-relative advantages, one per reply, given to every one of its tokens, and
        // 3. how each token counts: GRPO averages within a reply, then over replies; Dr. GRPO
        //    divides every token by the same constant (replies × maximum length).
        let perToken = GroupAdvantages.perToken(rewards: batch.scores, groupSize: config.groupSize,
                                                lengths: rollouts.map(\.responseIDs.count), variant: config.variant,
                                                maxNewTokens: config.maxNewTokens)
        let tokenAdvantages = TokenScoring.split(perToken.advantages, rollouts)
        let weights = TokenScoring.split(perToken.weights, rollouts)
        let ref = TokenScoring.split(logProbs(reference, rollouts).logProbs, rollouts)
        // π_old: the policy that sampled. With μ = 1 it is the policy being updated (detached),
        // read from the first forward pass; with μ > 1 it is computed once beforehand.
        let precomputed = config.iterations > 1 ? logProbs(policy, rollouts) : nil
        var sampledLP = precomputed.map { TokenScoring.split($0.logProbs, rollouts) } ?? Array(repeating: [], count: rollouts.count)
        var entropy = precomputed?.entropy ?? []
        // 4. μ optimisation steps, each accumulating gradients over the whole batch.
        for iteration in 0..<config.iterations {
            optimizer.zeroGrad()
            for c in chunks(rollouts.count) {
                let sub = Array(rollouts[c])
                let out = TokenScoring.forward(policy, rollouts: sub, temperature: config.temperature, pad: pad)
                let logp = out.logProbs, n = logp.shape[0]
                if precomputed == nil && iteration == 0 {
                    for (k, part) in TokenScoring.split(logp.value.array, sub).enumerated() { sampledLP[c.lowerBound + k] = part }
                    entropy += out.entropy
                }
                let w = c.flatMap { weights[$0] }
                let (pl, ps) = PPOLoss.policy(logProbs: logp, oldLogProbs: c.flatMap { sampledLP[$0] },
                                              advantages: c.flatMap { tokenAdvantages[$0] }, weights: w, clip: config.clipRange)
                // k3 estimate of KL(π ‖ π_ref) per token, with r = log π_ref − log π: eʳ − r − 1.
                let r = Variable(Tensor([n], c.flatMap { ref[$0] })) - logp
                let k3 = ((r.exp() - r) - 1) * Variable(Tensor([n], w))
                let loss = pl + config.beta * k3.sum()
                guard loss.scalar.isFinite else { throw CourseError("GRPO step \(step + 1): the loss is not finite") }
                loss.backward()
                let share = Double(c.count) / Double(rollouts.count * config.iterations)
                stats.policyLoss += Double(pl.scalar) / Double(config.iterations)
                stats.clipFraction += ps.clipFraction * share; stats.approxKL += ps.approxKL * share
            }
            let norm = clipGradNorm(optimizer.parameters, maxNorm: config.maxGradNorm)
            guard norm.isFinite else { throw CourseError("GRPO step \(step + 1): the gradient is not finite") }
            optimizer.step()
        }
        // MARK: end
        step += 1
        stats.step = step
        stats.beta = Double(config.beta)
        // Σ_t (log π_old − log π_ref) per reply, averaged: the sampled KL to the reference.
        stats.kl = zip(sampledLP, ref).map { zip($0, $1).reduce(0.0) { $0 + Double($1.0 - $1.1) } }.reduce(0, +)
            / Double(max(rollouts.count, 1))
        stats.entropy = Double(entropy.reduce(0, +)) / Double(max(entropy.count, 1))
        batch.fill(&stats)
        stats.seconds = Date().timeIntervalSince(start)
        return stats
    }
}
