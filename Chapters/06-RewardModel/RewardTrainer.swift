import Autograd
import Core
import Foundation
import SFT
import Transformer

/// A preference pair as token ids, ready for the reward model: prompt + chosen reply and
/// prompt + rejected reply (each ending with `<|im_end|>`, where the reward is read).
public struct TokenizedPreference: Sendable {
    public var chosen: PromptCompletion
    public var rejected: PromptCompletion
    public var flaw: String?
    public init(_ e: PreferenceExample, template: ChatTemplate) {
        chosen = PromptCompletion(prompt: e.prompt, reply: e.chosen, template: template)
        rejected = PromptCompletion(prompt: e.prompt, reply: e.rejected, template: template)
        flaw = e.flaw
    }
}

/// Trains a reward model on preference pairs with the Bradley–Terry loss (TRL's
/// `RewardTrainer`): each step scores a batch of chosen and rejected sequences in one forward
/// pass and pushes r_chosen above r_rejected.
public final class RewardTrainer {
    public struct Settings: Codable, Sendable {
        public var steps: Int
        public var pairsPerBatch: Int
        public var learningRate: Float
        public var warmupSteps: Int
        public var evalEvery: Int
        /// c in c · mean((r_c + r_r)²) (0 turns it off).
        public var centering: Float = 0.01
        public var seed: UInt64 = 1
        public init(steps: Int, pairsPerBatch: Int, learningRate: Float, warmupSteps: Int, evalEvery: Int,
                    centering: Float = 0.01, seed: UInt64 = 1) {
            (self.steps, self.pairsPerBatch, self.learningRate, self.warmupSteps) = (steps, pairsPerBatch, learningRate, warmupSteps)
            (self.evalEvery, self.centering, self.seed) = (evalEvery, centering, seed)
        }
    }

    public let model: RewardModel
    public let settings: Settings
    public let trainer: Trainer
    public let train: [TokenizedPreference]
    public let heldOut: [TokenizedPreference]
    /// The held-out examples that fit the context, in the order of `heldOut`.
    public let heldOutExamples: [PreferenceExample]
    /// Pairs dropped because a sequence does not fit the context (never truncated: the reward
    /// is read at the end, so a cut reply would be scored on something the rater never saw).
    public let dropped: Int

    public init(model: RewardModel, template: ChatTemplate, train: [PreferenceExample], heldOut: [PreferenceExample],
                settings: Settings) throws {
        self.model = model
        self.settings = settings
        let context = model.backbone.config.contextLength
        let fits = { (p: TokenizedPreference) in max(p.chosen.count, p.rejected.count) <= context }
        let all = train.map { TokenizedPreference($0, template: template) }
        self.train = all.filter(fits)
        let held = heldOut.map { ($0, TokenizedPreference($0, template: template)) }.filter { fits($0.1) }
        self.heldOut = held.map(\.1)
        heldOutExamples = held.map(\.0)
        dropped = all.count - self.train.count
        if self.train.isEmpty { throw CourseError("no preference pair fits the context of \(context) tokens") }
        var tc = TrainConfig(batchSize: settings.pairsPerBatch, contextLength: context, steps: settings.steps,
                             learningRate: settings.learningRate, warmupSteps: settings.warmupSteps,
                             evalEvery: settings.evalEvery, seed: settings.seed)
        tc.weightDecay = 0
        trainer = Trainer(model: model.backbone, config: tc, parameters: model.parameters)
    }

    // MARK: book reward-step
    /// Loss and accuracy of one batch: chosen and rejected sequences share one padded forward
    /// pass ([2B, T] → rewards [2B]), then split into r_c [B] and r_r [B].
    public func loss(_ pairs: [TokenizedPreference]) -> (loss: Variable, chosen: [Float], rejected: [Float]) {
        let b = pairs.count
        let batch = Padding.pairBatch(pairs.map { ($0.chosen.ids, $0.rejected.ids) }, pad: model.pad)  // [2B, T], chosen rows first
        let r = model.rewards(batch.ids, batch: 2 * b, last: batch.last)           // [2B]
        let chosen = r.slice(axis: 0, start: 0, length: b), rejected = r.slice(axis: 0, start: b, length: b)
        let loss = BradleyTerry.loss(chosen: chosen, rejected: rejected, centering: settings.centering)
        return (loss, chosen.value.array, rejected.value.array)
    }
    // MARK: end

    var order: [Int] = []
    var cursor = 0
    func nextBatch() -> [TokenizedPreference] {
        (0..<min(settings.pairsPerBatch, train.count)).map { _ in
            if cursor >= order.count { order = Array(train.indices); trainer.rng.shuffle(&order); cursor = 0 }
            cursor += 1
            return train[order[cursor - 1]]
        }
    }

    /// Rewards of every held-out pair (no graph).
    public func evaluate(_ pairs: [TokenizedPreference]? = nil) -> PairEvaluation {
        let pairs = pairs ?? heldOut
        let chosen = model.score(pairs.map(\.chosen.ids)), rejected = model.score(pairs.map(\.rejected.ids))
        return PairEvaluation(chosen: chosen, rejected: rejected, flaws: pairs.map { $0.flaw ?? "unlabelled" },
                              chosenLengths: pairs.map(\.chosen.completion.count),
                              rejectedLengths: pairs.map(\.rejected.completion.count))
    }

    public static let metricColumns = ["step", "loss", "accuracy", "margin", "lr", "grad_norm",
                                       "eval_loss", "eval_accuracy", "eval_margin", "eval_reward_mean"]

    /// Trains for `settings.steps`, logging training loss/accuracy every step and held-out
    /// loss/accuracy every `evalEvery` steps.
    public func run(metrics: MetricsWriter, label: String = "reward-model", quiet: Bool = false) throws {
        let loop = TrainingLoop(label: label, steps: settings.steps, evalEvery: settings.evalEvery, quiet: quiet)
        try loop.run(from: trainer.step, metrics: metrics, step: { _ in
            let batch = nextBatch()
            var chosen: [Float] = [], rejected: [Float] = []
            let stats = try trainer.step {
                let out = loss(batch)
                (chosen, rejected) = (out.chosen, out.rejected)
                return out.loss
            }
            let acc = zip(chosen, rejected).filter { $0 > $1 }.count
            let margin = zip(chosen, rejected).map { Double($0 - $1) }.reduce(0, +) / Double(max(batch.count, 1))
            return .init(["step": Double(trainer.step), "loss": Double(stats.loss),
                          "accuracy": Double(acc) / Double(batch.count), "margin": margin,
                          "lr": Double(stats.lr), "grad_norm": Double(stats.gradNorm)], status: String(format: "loss %.3f", stats.loss))
        }, evaluate: heldOut.isEmpty ? nil : { [self] _ in
            let e = evaluate()
            return .init(["eval_loss": e.loss, "eval_accuracy": e.accuracy, "eval_margin": e.meanMargin, "eval_reward_mean": e.meanReward],
                         status: String(format: "held-out acc %.1f%%", 100 * e.accuracy))
        })
    }
}
