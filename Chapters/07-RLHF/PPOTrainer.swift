import Autograd
import Core
import Foundation
import SFT
import Transformer

/// PPO hyperparameters. Defaults are the classic RLHF setup (Ziegler et al.; TRL's PPOConfig).
public struct PPOConfig: Codable, Sendable {
    public var learningRate: Float = 1.41e-5
    /// The value head's own learning rate (nil: the same as the policy's, as in TRL). The head
    /// starts at zero and must reach the reward's scale before its estimates are a useful
    /// baseline; with a few dozen steps on a small model that needs a larger rate.
    public var valueHeadLearningRate: Float? = nil
    /// Whether the value loss trains only the value head (true) or also the transformer it
    /// shares with the policy (false, TRL's classic setup). In a small model, large value
    /// errors (a reward model's scores spread wider than the grader's) can otherwise pull the
    /// shared layers away from language modelling.
    public var detachValueHead = false
    /// Prompts per batch, and replies sampled per prompt (batch = their product).
    public var promptsPerStep = 8
    public var samplesPerPrompt = 1
    /// Replies per minibatch; each batch is used for `epochs` passes of minibatches.
    public var miniBatchSize = 4
    public var epochs = 4
    public var gamma: Float = 1
    public var lambda: Float = 0.95
    public var clipRange: Float = 0.2
    public var valueClipRange: Float = 0.2
    public var valueCoefficient: Float = 0.1
    /// β: its start value, and whether Ziegler's controller adapts it towards `klTarget` nats.
    public var klCoefficient: Float = 0.2
    public var adaptiveKL = true
    public var klTarget: Double = 6
    public var klHorizon: Double = 10000
    public var klEstimator: KLEstimator = .k1
    public var temperature: Float = 1
    public var maxNewTokens = ReplyEvaluator.replyTokenLimit
    /// Subtracted from the score of a reply that never produced <|im_end|>.
    public var missingEndPenalty: Double = 1
    public var maxGradNorm: Float = 1
    public var seed: UInt64 = 1
    public init() {}
}

/// PPO for RLHF: sample → score → KL-shaped per-token rewards → GAE → several epochs of
/// clipped updates of the policy and its value head, the reference model frozen throughout.
public final class PPOTrainer {
    public let policy: PolicyWithValue
    public let reference: GPT
    public let sampler: RolloutSampler
    public let reward: RewardFunction
    public let config: PPOConfig
    public private(set) var kl: any KLController
    public let optimizer: AdamW
    /// The value head's optimiser (its own learning rate, see `PPOConfig.valueHeadLearningRate`).
    public let valueOptimizer: AdamW
    public var rng: SeededRandom
    public private(set) var step = 0
    var prompts: PromptCycler
    let pad: Int

    /// `policy` starts as the SFT model with a zero value head; `reference` is a frozen copy
    /// of the same SFT weights (`frozenCopy(of:)`).
    public init(policy: PolicyWithValue, reference: GPT, template: ChatTemplate, reward: RewardFunction,
                prompts: [RLPrompt], config: PPOConfig) {
        self.policy = policy
        self.reference = reference
        self.reward = reward
        self.config = config
        sampler = RolloutSampler(template: template, maxNewTokens: config.maxNewTokens, temperature: config.temperature)
        kl = config.adaptiveKL
            ? AdaptiveKLController(initial: config.klCoefficient, target: config.klTarget, horizon: config.klHorizon)
            : FixedKLController(config.klCoefficient)
        optimizer = AdamW(policy.model.parameters, learningRate: config.learningRate, weightDecay: 0)
        valueOptimizer = AdamW(policy.valueHead.namedParameters.map(\.1), learningRate: config.valueHeadLearningRate ?? config.learningRate,
                               weightDecay: 0)
        rng = SeededRandom(seed: config.seed)
        self.prompts = PromptCycler(prompts)
        pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
    }

    /// Per-token outputs of `rollouts` without a graph, in chunks of the minibatch size.
    func noGradOutputs(_ model: GPT, valueHead: ValueHead?, _ rollouts: [Rollout]) -> (logProbs: [Float], values: [Float], entropy: [Float]) {
        noGrad {
            var lp: [Float] = [], v: [Float] = [], h: [Float] = []
            for start in stride(from: 0, to: rollouts.count, by: config.miniBatchSize) {
                let chunk = Array(rollouts[start..<min(start + config.miniBatchSize, rollouts.count)])
                let o = TokenScoring.forward(model, valueHead: valueHead, rollouts: chunk, temperature: config.temperature, pad: pad)
                lp += o.logProbs.value.array; v += o.values?.value.array ?? []; h += o.entropy
            }
            return (lp, v, h)
        }
    }

    // MARK: book ppo-step
    /// One PPO step on a fresh batch of rollouts; returns what it logs.
    public func train() throws -> RLStepStats {
        let start = Date()
        var stats = RLStepStats()
        // 1. Rollouts: sample replies with the current policy and score them.
        let batch = try RolloutBatch.collect(policy: policy.model, sampler: sampler,
                                             prompts: prompts.next(config.promptsPerStep, rng: &rng),
                                             count: config.samplesPerPrompt, reward: reward,
                                             missingEndPenalty: config.missingEndPenalty, rng: &rng)
        let rollouts = batch.rollouts
        // 2. Log-probs under the policy as it was when sampling (π_old) and under the frozen
        //    reference, and the value head's estimates, all without gradients.
        let old = noGradOutputs(policy.model, valueHead: policy.valueHead, rollouts)
        let ref = noGradOutputs(reference, valueHead: nil, rollouts).logProbs
        let oldLP = TokenScoring.split(old.logProbs, rollouts), refLP = TokenScoring.split(ref, rollouts)
        let oldValues = TokenScoring.split(old.values, rollouts)
        // 3. Per-token rewards (−β·KL, score on the last token), then each reply's GAE advantages
        //    and returns, the advantages whitened over all tokens of the batch.
        let beta = kl.value
        let rewards = rollouts.indices.map { i in
            KLPenalty.rewards(logProbs: oldLP[i], refLogProbs: refLP[i], score: Float(batch.scores[i]),
                              beta: beta, estimator: config.klEstimator)
        }
        let (advantages, returns) = GAE.batch(rewards: rewards, values: oldValues, gamma: config.gamma, lambda: config.lambda)
        // 4. Several epochs of minibatch updates on this one batch.
        var updates = 0.0, valueLoss = 0.0
        for _ in 0..<config.epochs {
            for mb in minibatches(rollouts.count, size: config.miniBatchSize, rng: &rng) {
                let sub = mb.map { rollouts[$0] }
                let out = TokenScoring.forward(policy.model, valueHead: policy.valueHead, rollouts: sub,
                                               temperature: config.temperature, pad: pad, detachValue: config.detachValueHead)
                let n = out.logProbs.shape[0]
                let weights = [Float](repeating: 1 / Float(n), count: n)          // a mean over tokens
                let (pl, ps) = PPOLoss.policy(logProbs: out.logProbs, oldLogProbs: mb.flatMap { oldLP[$0] },
                                              advantages: mb.flatMap { advantages[$0] }, weights: weights,
                                              clip: config.clipRange)
                let (vl, _) = PPOLoss.value(values: out.values!, oldValues: mb.flatMap { oldValues[$0] },
                                            returns: mb.flatMap { returns[$0] }, weights: weights,
                                            clip: config.valueClipRange)
                let loss = pl + config.valueCoefficient * vl
                try update(loss)
                stats.policyLoss += Double(pl.scalar); valueLoss += Double(vl.scalar)
                stats.clipFraction += ps.clipFraction; stats.approxKL += ps.approxKL
                updates += 1
            }
        }
        // 5. Adapt β to the KL this batch reached (summed over each reply's tokens).
        let sequenceKL = zip(oldLP, refLP).map { zip($0, $1).reduce(0.0) { $0 + Double($1.0 - $1.1) } }
        stats.kl = sequenceKL.reduce(0, +) / Double(max(rollouts.count, 1))
        kl.update(observedKL: stats.kl, steps: rollouts.count)
        // MARK: end
        step += 1
        stats.step = step
        stats.beta = Double(beta)
        stats.entropy = Double(old.entropy.reduce(0, +)) / Double(max(old.entropy.count, 1))
        stats.policyLoss /= updates; stats.valueLoss = valueLoss / updates; stats.clipFraction /= updates; stats.approxKL /= updates
        batch.fill(&stats)
        stats.seconds = Date().timeIntervalSince(start)
        return stats
    }

    func update(_ loss: Variable) throws {
        guard loss.scalar.isFinite else { throw CourseError("PPO step \(step + 1): the loss is \(loss.scalar) (not finite)") }
        optimizer.zeroGrad(); valueOptimizer.zeroGrad()
        loss.backward()
        let norm = clipGradNorm(optimizer.parameters + valueOptimizer.parameters, maxNorm: config.maxGradNorm)
        guard norm.isFinite else { throw CourseError("PPO step \(step + 1): the gradient is not finite") }
        optimizer.step(); valueOptimizer.step()
    }
}
