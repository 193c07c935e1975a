import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// How an RL-tuned policy is judged: the grader on held-out prompts (greedy replies, the same
/// measure as Chapter 3), and how far it has moved from the reference (KL on sampled replies).
public struct RLEvaluation {
    public struct Result: Codable, Sendable {
        public var scores: ReplyEvaluator.Scores
        /// Mean over held-out prompts of Σ_t (log π − log π_ref) on replies sampled from π:
        /// the Monte-Carlo estimate of KL(π ‖ π_ref) per reply, in nats.
        public var kl: Double
        /// Mean grade of the sampled replies (two per prompt, at the training temperature): what
        /// RL optimises directly, and a smoother measure than the greedy replies' grade.
        public var sampledGrader: Double
        /// Mean score of the sampled replies under the reward function (e.g. a reward model).
        public var reward: Double?
        public var replies: [String]
    }

    public let template: ChatTemplate
    public var maxNewTokens: Int
    public var temperature: Float

    public init(template: ChatTemplate, maxNewTokens: Int, temperature: Float = 1) {
        (self.template, self.maxNewTokens, self.temperature) = (template, maxNewTokens, temperature)
    }

    public func evaluate(policy: GPT, reference: GPT, items: [EvalItem], klPrompts: Int, reward: RewardFunction? = nil,
                         seed: UInt64 = 7, progress: ProgressBar? = nil) throws -> Result {
        let (scores, replies) = ReplyEvaluator(template: template, maxNewTokens: maxNewTokens)
            .evaluate(policy, items: items, seed: seed, progress: progress)
        // KL, grade and reward of sampled replies (temperature as in training), two per prompt.
        let sampler = RolloutSampler(template: template, maxNewTokens: maxNewTokens, temperature: temperature)
        var rng = SeededRandom(seed: seed)
        var rollouts: [Rollout] = []
        for item in items.prefix(klPrompts) {
            rollouts += sampler.sample(policy, prompt: RLPrompt(id: item.id, messages: item.prompt, truth: item.truth), count: 2, rng: &rng)
        }
        let kl = sequenceKL(policy: policy, reference: reference, rollouts: rollouts)
        let grader = Grader()
        let grades = rollouts.compactMap { r in r.prompt.truth.map { grader.grade(reply: r.text, truth: $0).overall } }
        var meanReward: Double? = nil
        if let reward, !rollouts.isEmpty {
            let s = try reward.scores(rollouts.map { RewardQuery(prompt: $0.prompt.messages, reply: $0.text, replyIDs: $0.responseIDs, truth: $0.prompt.truth) })
            meanReward = s.reduce(0, +) / Double(s.count)
        }
        return Result(scores: scores, kl: kl, sampledGrader: grades.reduce(0, +) / Double(max(grades.count, 1)),
                      reward: meanReward, replies: replies)
    }

    /// Mean over rollouts of Σ_t (log π − log π_ref).
    public func sequenceKL(policy: GPT, reference: GPT, rollouts: [Rollout]) -> Double {
        guard !rollouts.isEmpty else { return 0 }
        let pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        var total = 0.0
        noGrad {
            for start in stride(from: 0, to: rollouts.count, by: 8) {
                let chunk = Array(rollouts[start..<min(start + 8, rollouts.count)])
                let p = TokenScoring.forward(policy, rollouts: chunk, temperature: temperature, pad: pad).logProbs.value
                let r = TokenScoring.forward(reference, rollouts: chunk, temperature: temperature, pad: pad).logProbs.value
                for i in 0..<p.count { total += Double(p[i] - r[i]) }
            }
        }
        return total / Double(rollouts.count)
    }
}
