import Autograd
import Core
import Foundation
import SupportDesk
import Transformer

/// What one RL step logs (metrics.csv columns). Means are over the step's rollouts, or over
/// their tokens where it says so.
public struct RLStepStats: Sendable {
    public var step = 0
    /// Mean reward the algorithm optimised (reward function score, end-of-turn penalty included).
    public var reward = 0.0
    /// Mean SupportDesk grade of the sampled replies (NaN when prompts have no truth).
    public var grader = Double.nan
    /// Mean over replies of Σ_t (log π − log π_ref): the sampled estimate of KL(π ‖ π_ref), nats.
    public var kl = 0.0
    /// The KL coefficient β used this step.
    public var beta = 0.0
    /// Mean per-token entropy of the policy's sampling distribution, nats.
    public var entropy = 0.0
    public var clipFraction = 0.0
    /// PPO's value loss (NaN for GRPO: there is no value model).
    public var valueLoss = Double.nan
    public var policyLoss = 0.0
    public var approxKL = 0.0
    /// Mean reply length in tokens, and the share that ended with <|im_end|>.
    public var replyLength = 0.0
    public var finished = 0.0
    /// Rollout speed (KV-cached sampling), generated tokens per second.
    public var tokensPerSecond = 0.0
    /// Tokens sampled this step and the time sampling took; the whole step's time.
    public var generatedTokens = 0
    public var rolloutSeconds = 0.0
    /// CPU time (all threads) the sampling took: on a busy machine, tokens per CPU-second says
    /// what the sampler does on its own, where tokens per wall-clock second depends on the load.
    public var rolloutCPUSeconds = 0.0
    public var seconds = 0.0

    public var row: [String: Double] {
        ["step": Double(step), "reward": reward, "grader": grader, "kl": kl, "beta": beta, "entropy": entropy,
         "clip_fraction": clipFraction, "value_loss": valueLoss, "policy_loss": policyLoss, "approx_kl": approxKL,
         "reply_length": replyLength, "finished": finished, "tokens_per_s": tokensPerSecond, "seconds": seconds]
    }
    public static let columns = ["step", "reward", "grader", "kl", "beta", "entropy", "clip_fraction", "value_loss",
                                 "policy_loss", "approx_kl", "reply_length", "finished", "tokens_per_s", "seconds"]
}

/// The part PPO and GRPO share: draw prompts, sample replies with the KV cache, score them.
public struct RolloutBatch {
    public var rollouts: [Rollout]
    /// The reward function's scores, minus the penalty for replies without <|im_end|>.
    public var scores: [Double]
    /// The grader's scores (NaN without truth), for logging whatever the reward is.
    public var grades: [Double]
    public var generatedTokens: Int
    public var seconds: Double
    public var cpuSeconds: Double

    /// `count` replies to each prompt, grouped by prompt.
    public static func collect(policy: GPT, sampler: RolloutSampler, prompts: [RLPrompt], count: Int,
                               reward: RewardFunction, missingEndPenalty: Double, rng: inout SeededRandom) throws -> RolloutBatch {
        var rollouts: [Rollout] = []
        let cpu0 = ProcessCPU.seconds
        let seconds = measure { for p in prompts { rollouts += sampler.sample(policy, prompt: p, count: count, rng: &rng) } }
        let cpuSeconds = ProcessCPU.seconds - cpu0
        let queries = rollouts.map { RewardQuery(prompt: $0.prompt.messages, reply: $0.text, replyIDs: $0.responseIDs, truth: $0.prompt.truth) }
        // MARK: book end-penalty
        // A reply cut off at the token limit never closed its turn: it is penalised, so the
        // policy cannot earn reward by rambling on until it happens to hit the right phrases.
        let raw = try reward.scores(queries)
        let scores = zip(raw, rollouts).map { s, r in r.finished ? s : s - missingEndPenalty }
        // MARK: end
        let grader = Grader()
        let grades = rollouts.map { r in r.prompt.truth.map { grader.grade(reply: r.text, truth: $0).overall } ?? .nan }
        return RolloutBatch(rollouts: rollouts, scores: scores, grades: grades,
                            generatedTokens: rollouts.reduce(0) { $0 + $1.responseIDs.count }, seconds: seconds,
                            cpuSeconds: cpuSeconds)
    }

    func fill(_ s: inout RLStepStats) {
        let n = Double(max(rollouts.count, 1))
        s.reward = scores.reduce(0, +) / n
        s.grader = grades.reduce(0, +) / n
        s.replyLength = Double(generatedTokens) / n
        s.finished = Double(rollouts.filter(\.finished).count) / n
        s.tokensPerSecond = Double(generatedTokens) / max(seconds, 1e-9)
        s.generatedTokens = generatedTokens
        s.rolloutSeconds = seconds
        s.rolloutCPUSeconds = cpuSeconds
    }
}

/// Cycles through a prompt set in a shuffled order, reshuffling every pass.
public struct PromptCycler {
    let prompts: [RLPrompt]
    var order: [Int] = []
    var cursor = 0
    public init(_ prompts: [RLPrompt]) {
        precondition(!prompts.isEmpty, "RL needs at least one prompt")
        self.prompts = prompts
    }
    public mutating func next(_ n: Int, rng: inout SeededRandom) -> [RLPrompt] {
        (0..<n).map { _ in
            if cursor >= order.count { order = rng.shuffled(Array(prompts.indices)); cursor = 0 }
            cursor += 1
            return prompts[order[cursor - 1]]
        }
    }
}

/// Minibatches: a shuffled split of 0..<n into chunks of `size`.
func minibatches(_ n: Int, size: Int, rng: inout SeededRandom) -> [[Int]] {
    let order = rng.shuffled(Array(0..<n))
    return stride(from: 0, to: n, by: max(size, 1)).map { Array(order[$0..<min($0 + size, n)]) }
}
