import Autograd
import Core
import Foundation
import Plot
import RewardModel
import SFT
import SupportDesk
import Transformer

/// Reward over-optimisation (Gao et al. 2022, "Scaling laws for reward model overoptimization"):
/// PPO against Chapter 6's learned reward model, with a KL penalty too small to hold it back,
/// for long enough. Every few steps, replies sampled for held-out prompts are scored twice: by
/// the reward model the policy optimises (the proxy) and by the grader (the "gold" judge the
/// proxy was meant to stand for), and the KL to the SFT model is measured.
/// `course run rlhf --variant overoptimisation` writes runs/rlhf/overoptimisation/.
public enum OveroptimisationStudy {
    public struct Settings: Codable, Sendable {
        var data: SizePreset
        var steps: Int
        var evalEvery: Int
        var evalPrompts: Int
        var ppo: PPOConfig
    }

    public static func settings(_ preset: Preset, seed: UInt64) -> Settings {
        let quick = preset == .quick
        var c = PPOConfig()
        c.learningRate = 2e-5
        c.valueHeadLearningRate = 1e-3
        c.temperature = 0.7
        c.detachValueHead = true
        c.promptsPerStep = quick ? 2 : 8
        c.samplesPerPrompt = 2
        c.miniBatchSize = quick ? 2 : 8
        c.epochs = quick ? 1 : 4
        c.klCoefficient = 0.002          // nearly no brake on drifting from the SFT model
        c.adaptiveKL = false
        c.maxNewTokens = quick ? 24 : ReplyEvaluator.replyTokenLimit
        c.missingEndPenalty = 0
        c.seed = seed
        return Settings(data: quick ? .small : .default, steps: quick ? 2 : 80, evalEvery: quick ? 1 : 8,
                        evalPrompts: quick ? 2 : 32, ppo: c)
    }

    struct Point: Codable { var step: Int; var kl: Double; var rewardModel: Double; var grader: Double }

    /// Mean reward-model score, grader score and KL of two sampled replies per held-out prompt.
    static func measure(_ policy: GPT, reference: GPT, reward: RewardFunction, evaluator: RLEvaluation,
                        items: [EvalItem], seed: UInt64) throws -> (kl: Double, rm: Double, grader: Double) {
        let sampler = RolloutSampler(template: evaluator.template, maxNewTokens: evaluator.maxNewTokens, temperature: evaluator.temperature)
        var rng = SeededRandom(seed: seed)
        var rollouts: [Rollout] = []
        for it in items { rollouts += sampler.sample(policy, prompt: RLPrompt(id: it.id, messages: it.prompt, truth: it.truth), count: 2, rng: &rng) }
        let rm = try reward.scores(rollouts.map { RewardQuery(prompt: $0.prompt.messages, reply: $0.text, replyIDs: $0.responseIDs, truth: $0.prompt.truth) })
        let grader = Grader()
        let grades = rollouts.map { grader.grade(reply: $0.text, truth: $0.prompt.truth!).overall }
        let n = Double(rollouts.count)
        return (evaluator.sequenceKL(policy: policy, reference: reference, rollouts: rollouts), rm.reduce(0, +) / n, grades.reduce(0, +) / n)
    }

    /// `sft` and `rewardModel`: the model folders of Chapters 3 and 6.
    public static func run(_ spec: RunSpec, settings s: Settings, sft sftDir: URL, rewardModel rmDir: URL) throws {
        let dir = spec.dir
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let (model, template) = try SFTRun.loadModel(sftDir)
        let (rewardModel, rmTemplate) = try RewardModelRun.load(rmDir)
        let reward = RewardModelReward(model: rewardModel, template: rmTemplate)
        let reference = frozenCopy(of: model)
        let data = spec.builtInData(s.data)
        let prompts = data.preferences.map { RLPrompt(id: $0.id, messages: $0.prompt, truth: $0.truth) }
        let items = Array(data.dev.prefix(s.evalPrompts))
        let evaluator = RLEvaluation(template: template, maxNewTokens: s.ppo.maxNewTokens, temperature: s.ppo.temperature)
        let trainer = PPOTrainer(policy: PolicyWithValue(model: model), reference: reference, template: template, reward: reward,
                                 prompts: prompts, config: s.ppo)
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"),
                                    columns: RLStepStats.columns + ["eval_kl", "eval_reward_model", "eval_grader"])
        print("over-optimisation study: PPO on the reward model, β = \(s.ppo.klCoefficient) fixed, \(s.steps) steps; "
              + "held-out replies scored by the reward model and by the grader every \(s.evalEvery) steps")
        var points: [Point] = []
        func checkpoint(_ step: Int) throws -> [String: Double] {
            let m = try measure(model, reference: reference, reward: reward, evaluator: evaluator, items: items, seed: spec.seed &+ 17)
            points.append(Point(step: step, kl: m.kl, rewardModel: m.rm, grader: m.grader))
            return ["step": Double(step), "eval_kl": m.kl, "eval_reward_model": m.rm, "eval_grader": m.grader]
        }
        metrics.log(try checkpoint(0))
        var loop = TrainingLoop(label: "over-optimisation", steps: s.steps, evalEvery: s.evalEvery)
        loop.flushEvery = 1
        try loop.run(metrics: metrics, step: { _ in .init(try trainer.train().row) }, evaluate: { step in
            let row = try checkpoint(step)
            let p = points.last!
            return .init(row, status: String(format: "KL %.1f  reward model %.2f  grader %.3f", p.kl, p.rewardModel, p.grader))
        })
        try writeJSON(points, to: dir.appendingPathComponent("points.json"))
        try plot(points, dir: dir)
        for p in points { print(String(format: "step %3d  KL %6.2f nats  reward model %7.3f  grader %.3f", p.step, p.kl, p.rewardModel, p.grader)) }
        print("wrote \(dir.path)/")
    }

    /// Draws the study's figures again from its points.json (`course plot --run
    /// runs/rlhf/overoptimisation`), without training.
    public static func redrawFigures(dir: URL) throws -> [String] {
        try plot(try readJSON([Point].self, from: dir.appendingPathComponent("points.json").path), dir: dir)
        return ["overoptimisation.png", "reward-model-vs-kl.png", "grader-vs-kl.png"].map { dir.appendingPathComponent($0).path }
    }

    /// A grader axis: the scores with a margin, never outside 0...1 (all of it when the scores
    /// are all equal).
    static func scoreRange(_ scores: [Double]) -> ClosedRange<Double> {
        let v = scores.filter(\.isFinite)
        guard let lo = v.min(), let hi = v.max(), hi - lo > 1e-9 else { return 0...1 }
        let pad = 0.1 * (hi - lo)
        return max(0, lo - pad)...min(1, hi + pad)
    }

    /// The study against the steps, one panel per quantity in its own unit (KL, the proxy's
    /// score, the gold judge's score), each score with a dashed line at the SFT model's (step
    /// 0); and each score against KL, every point labelled with its step, since KL does not
    /// grow evenly from one measurement to the next.
    static func plot(_ points: [Point], dir: URL) throws {
        let steps = points.map { Double($0.step) }, labels = points.map { "step \($0.step)" }
        func panel(_ title: String, _ unit: String, _ y: [Double], sft: Double? = nil, range: ClosedRange<Double>? = nil) -> LineChart {
            var p = LineChart(title: title, yLabel: unit, yRange: range)
            p.add(LineSeries(name: "", x: steps, y: y, marker: .circle))   // the panel's title names it
            if let sft { p.add(.horizontal(sft, label: "SFT model")) }
            return p
        }
        let start = points.first
        let study = Panels(title: "Over-optimisation: the proxy PPO optimises and the gold judge, on the same replies", xLabel: "PPO step", panels: [
            panel("KL to the SFT model", "nats per reply", points.map(\.kl)),
            panel("reward model (the proxy PPO optimises)", "reward", points.map(\.rewardModel), sft: start?.rewardModel),
            panel("grader (the gold judge, never seen by PPO)", "grader overall (0-1)", points.map(\.grader), sft: start?.grader,
                  range: scoreRange(points.map(\.grader))),
        ])
        try study.write(to: dir.appendingPathComponent("overoptimisation.png").path, height: 640)
        let x = points.map(\.kl)
        var rm = LineChart(title: "Reward model score of held-out replies", xLabel: "KL to the SFT model (nats per reply)", yLabel: "reward")
        rm.add(LineSeries(name: "reward model", x: x, y: points.map(\.rewardModel), marker: .circle, labels: labels))
        if let start { rm.add(.horizontal(start.rewardModel, label: "SFT model")) }
        try rm.write(to: dir.appendingPathComponent("reward-model-vs-kl.png").path)
        var g = LineChart(title: "Grader score of the same replies", xLabel: "KL to the SFT model (nats per reply)", yLabel: "grader overall (0-1)",
                          yRange: scoreRange(points.map(\.grader)))
        g.add(LineSeries(name: "grader", x: x, y: points.map(\.grader), marker: .circle, labels: labels))
        if let start { g.add(.horizontal(start.grader, label: "SFT model")) }
        try g.write(to: dir.appendingPathComponent("grader-vs-kl.png").path)
    }
}
