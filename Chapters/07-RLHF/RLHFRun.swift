import Autograd
import Core
import Foundation
import Plot
import RewardModel
import SFT
import SupportDesk
import Transformer

/// Chapter 7: reinforcement learning from feedback on top of the SFT model.
/// `course run rlhf [--algo ppo|grpo|dr-grpo]` writes runs/rlhf/<algo>/: config.json,
/// metrics.csv (one row per step, held-out evaluations every few steps), rewards.png, kl.png,
/// diagnostics.png, samples.md, summary.json, model/ (the tuned policy, Hugging Face layout).
/// `--variant overoptimisation` runs the reward over-optimisation study instead.
public enum RLHFRun {
    /// The algorithm, and the reward: Chapter 6's learned reward model when the name ends in
    /// `-rm` (RLHF as the literature does it: the chain's PPO); the verifiable reward (facts
    /// and moves checked against the prompt's truth) for GRPO and Dr. GRPO; the whole rule
    /// grader for plain `ppo`. The report's judge is a stricter grader than any of them.
    public enum Algo: String, Codable, CaseIterable, Sendable {
        case ppo, ppoRM = "ppo-rm", grpo, grpoRM = "grpo-rm", drGRPO = "dr-grpo"
        public var usesRewardModel: Bool { self == .ppoRM || self == .grpoRM }
        public var usesVerifiableReward: Bool { self == .grpo || self == .drGRPO }
    }

    /// An algorithm with its settings: PPO trains a value head beside the policy, GRPO
    /// compares each reply with the others sampled for the same prompt.
    public enum Method: Sendable {
        case ppo(PPOConfig), grpo(GRPOConfig)
        var maxNewTokens: Int { switch self { case .ppo(let c): c.maxNewTokens; case .grpo(let c): c.maxNewTokens } }
        var temperature: Float { switch self { case .ppo(let c): c.temperature; case .grpo(let c): c.temperature } }
    }

    public struct Settings: Codable, Sendable {
        public var algo: Algo
        var data: SizePreset
        var steps: Int
        var evalEvery: Int
        /// Held-out prompts graded (greedy replies) and used for the KL estimate.
        var heldOutPrompts: Int
        var klPrompts: Int
        var reward: String
        // Exactly one of the two is set (config.json keeps both keys, as TRL's configs do).
        var ppo: PPOConfig?
        var grpo: GRPOConfig?
        public var method: Method { ppo.map(Method.ppo) ?? .grpo(grpo ?? GRPOConfig()) }
    }

    public static func settings(_ preset: Preset, seed: UInt64, algo: Algo) -> Settings {
        let quick = preset == .quick
        var s = Settings(algo: algo, data: quick ? .small : .default, steps: quick ? 2 : 40, evalEvery: quick ? 2 : 10,
                         heldOutPrompts: quick ? 2 : 60, klPrompts: quick ? 2 : 30, reward: "grader", ppo: nil, grpo: nil)
        s.reward = algo.usesRewardModel ? "reward model" : algo.usesVerifiableReward ? VerifiableReward().name : "grader"
        switch algo {
        case .ppo, .ppoRM:
            var c = PPOConfig()
            c.learningRate = 2e-5
            c.promptsPerStep = quick ? 2 : 8
            c.samplesPerPrompt = 2
            c.miniBatchSize = quick ? 2 : 8
            c.epochs = quick ? 1 : 4
            c.klCoefficient = 0.05
            // The controller's horizon in replies: 160 is ten steps of 16 replies, so β can move
            // by up to 2% a step (double or half over the run) when the KL stays off its 6-nat target.
            // The classic 10,000 was set for runs of millions of replies; over our 640 it
            // would keep β fixed in all but name.
            c.klHorizon = 160
            // λ = 1: every token's advantage is the reply's score minus the value estimate. With
            // λ = 0.95 (TRL's default) the final score reaches a token 100 places before the end
            // weighted by 0.95¹⁰⁰ ≈ 0.006, so a reply's opening (where a curt tone shows) learns
            // only from the value head; ours is one linear layer trained for 40 steps, too weak
            // to carry that. Detached and with its own larger rate, the value head learns the
            // baseline quickly without pulling the shared layers (measured in the book).
            c.lambda = 1
            c.detachValueHead = true
            c.valueHeadLearningRate = 1e-3
            c.maxNewTokens = quick ? 24 : ReplyEvaluator.replyTokenLimit
            c.missingEndPenalty = 0.5
            c.seed = seed
            s.ppo = c
        case .grpo, .grpoRM, .drGRPO:
            var c = GRPOConfig()
            c.learningRate = 2e-5
            c.promptsPerStep = quick ? 1 : 4
            c.groupSize = quick ? 2 : 8
            c.miniBatchSize = quick ? 2 : 8
            c.variant = algo == .drGRPO ? .drGRPO : .grpo
            c.maxNewTokens = quick ? 24 : ReplyEvaluator.replyTokenLimit
            c.missingEndPenalty = 0.5
            c.seed = seed
            s.grpo = c
        }
        return s
    }

    /// Tunes the SFT model in `sft` (a model folder) with `settings.algo`; `rewardModel`: Chapter
    /// 6's model folder, for the algorithms that optimise it.
    public static func run(_ spec: RunSpec, settings s: Settings, sft sftDir: URL, rewardModel: URL?) throws {
        let algo = s.algo
        let cpuStart = ProcessCPU.seconds
        let dir = spec.dir
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let (model, template) = try SFTRun.loadModel(sftDir)
        let reference = frozenCopy(of: model)
        let data = spec.builtInData(s.data)
        let prompts = data.preferences.map { RLPrompt(id: $0.id, messages: $0.prompt, truth: $0.truth) }
        let heldOut = Array(data.dev.prefix(s.heldOutPrompts))
        let reward: RewardFunction
        if algo.usesRewardModel {
            guard let rewardModel else { throw CourseError("--algo \(algo.rawValue) needs Chapter 6's reward model") }
            let (rm, rmTemplate) = try RewardModelRun.load(rewardModel)
            reward = RewardModelReward(model: rm, template: rmTemplate)
        } else if algo.usesVerifiableReward {
            reward = VerifiableReward()
        } else {
            reward = GraderReward()
        }
        let method = s.method
        let evaluator = RLEvaluation(template: template, maxNewTokens: method.maxNewTokens, temperature: method.temperature)
        func evaluate() throws -> RLEvaluation.Result {
            try evaluator.evaluate(policy: model, reference: reference, items: heldOut, klPrompts: s.klPrompts,
                                   reward: algo.usesRewardModel ? reward : nil, seed: spec.seed)
        }

        print("\(algo.rawValue): \(prompts.count) training prompts, reward = \(reward.name); grading the SFT model on \(heldOut.count) held-out prompts...")
        let before = try evaluate()
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"), columns: RLStepStats.columns + ["eval_grader", "eval_sampled_grader", "eval_kl", "eval_reward"])
        metrics.log(["step": 0, "eval_grader": before.scores.overall, "eval_sampled_grader": before.sampledGrader, "eval_kl": before.kl,
                     "eval_reward": before.reward ?? .nan])

        let train: () throws -> RLStepStats
        let save: (URL) throws -> Void
        switch method {
        case .ppo(let c):
            let policy = PolicyWithValue(model: model)
            let trainer = PPOTrainer(policy: policy, reference: reference, template: template, reward: reward, prompts: prompts, config: c)
            (train, save) = (trainer.train, policy.save)
        case .grpo(let c):
            let trainer = GRPOTrainer(policy: model, reference: reference, template: template, reward: reward, prompts: prompts, config: c)
            (train, save) = (trainer.train, { try model.save(directory: $0) })
        }

        var after = before
        var rolloutSeconds = 0.0, generated = 0, rolloutCPU = 0.0
        var loop = TrainingLoop(label: "rlhf \(algo.rawValue)", steps: s.steps, evalEvery: s.evalEvery)
        loop.flushEvery = 1   // RL steps take seconds each
        let seconds = try measure {
            try loop.run(metrics: metrics, step: { _ in
                let stats = try train()
                rolloutSeconds += stats.rolloutSeconds
                rolloutCPU += stats.rolloutCPUSeconds
                generated += stats.generatedTokens
                return .init(stats.row, status: String(format: "reward %.3f kl %.2f", stats.reward, stats.kl))
            }, evaluate: { _ in
                after = try evaluate()
                return .init(["eval_grader": after.scores.overall, "eval_sampled_grader": after.sampledGrader, "eval_kl": after.kl,
                              "eval_reward": after.reward ?? .nan], status: String(format: "held-out %.3f", after.scores.overall))
            })
        }
        let modelDir = dir.appendingPathComponent("model")
        try save(modelDir)
        try template.tokenizer.save(directory: modelDir.path)
        try RLHFFigures.write(dir: dir, metrics: metrics, title: algo.rawValue.uppercased())
        let title = algo.rawValue.uppercased()
        try SampleReplies.write(title: "Replies to held-out prompts: SFT model and after \(title)", items: heldOut,
                                columns: [("SFT model", before.replies), ("After \(title)", after.replies)], findings: true,
                                to: dir.appendingPathComponent("samples.md"))
        let summary = Summary(algo: algo.rawValue, reward: reward.name, steps: s.steps, sftGrader: before.scores.overall,
                              finalGrader: after.scores.overall, sftFinished: before.scores.finished, finalFinished: after.scores.finished,
                              sftSampledGrader: before.sampledGrader, finalSampledGrader: after.sampledGrader, sftKL: before.kl, finalKL: after.kl, heldOutPrompts: heldOut.count, trainingSeconds: seconds,
                              rolloutTokensPerSecond: Double(generated) / max(rolloutSeconds, 1e-9),
                              cpuSeconds: ProcessCPU.seconds - cpuStart, rolloutTokensPerCPUSecond: Double(generated) / max(rolloutCPU, 1e-9),
                              loadAverage: loadAverage())
        try writeJSON(summary, to: dir.appendingPathComponent("summary.json"))
        print(String(format: "held-out grader, greedy replies: SFT %.3f -> %@ %.3f; sampled replies: %.3f -> %.3f; KL to reference %.2f nats/reply",
                     before.scores.overall, algo.rawValue, after.scores.overall, before.sampledGrader, after.sampledGrader, after.kl))
        print(String(format: "%.0f s (CPU %.0f s, load average %.1f); rollouts %.0f tokens/s, %.0f tokens per CPU-second (KV cache)",
                     seconds, summary.cpuSeconds, summary.loadAverage, summary.rolloutTokensPerSecond, summary.rolloutTokensPerCPUSecond))
        print("wrote \(dir.path)/")
    }

    /// The 1-minute load average (how busy the machine was: times measured on a loaded machine
    /// are longer than on an idle one).
    static func loadAverage() -> Double {
        var l = [Double](repeating: 0, count: 3)
        return getloadavg(&l, 3) > 0 ? l[0] : .nan
    }

    struct Summary: Codable {
        var algo: String, reward: String, steps: Int
        var sftGrader: Double, finalGrader: Double, sftFinished: Double, finalFinished: Double
        var sftSampledGrader: Double, finalSampledGrader: Double
        var sftKL: Double, finalKL: Double, heldOutPrompts: Int
        var trainingSeconds: Double, rolloutTokensPerSecond: Double
        /// The whole run's CPU time, and rollout tokens per CPU-second (independent of other load).
        var cpuSeconds: Double, rolloutTokensPerCPUSecond: Double
        var loadAverage: Double
    }
}
