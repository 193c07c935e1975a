import Autograd
import Core
import Foundation
import Transformer

/// The numbers TRL logs for preference training, from a batch's implicit rewards.
/// CSV column → TRL name: rewards_chosen → rewards/chosen, rewards_rejected → rewards/rejected,
/// rewards_accuracies → rewards/accuracies, rewards_margins → rewards/margins,
/// logps_chosen → logps/chosen, logps_rejected → logps/rejected (eval_… → eval_rewards/…).
public struct RewardStats: Sendable {
    public var chosen: Double, rejected: Double, accuracy: Double, margin: Double

    /// Means over pairs; accuracy = mean(chosen > rejected), margin = mean(chosen − rejected).
    public init(chosen c: [Float], rejected r: [Float]) {
        func mean(_ x: [Float]) -> Double { x.isEmpty ? .nan : x.map(Double.init).reduce(0, +) / Double(x.count) }
        chosen = mean(c); rejected = mean(r)
        if c.count == r.count && !c.isEmpty {
            accuracy = mean(zip(c, r).map { $0 > $1 ? 1 : 0 })
            margin = mean(zip(c, r).map { $0 - $1 })
        } else {   // KTO: desirable and undesirable replies are not paired
            accuracy = .nan
            margin = chosen - rejected
        }
    }

    /// The four values keyed by their CSV column names (`prefix` "eval_" for held-out ones).
    public func row(prefix: String = "") -> [String: Double] {
        [prefix + "rewards_chosen": chosen, prefix + "rewards_rejected": rejected,
         prefix + "rewards_accuracies": accuracy, prefix + "rewards_margins": margin]
    }
}

/// Settings shared by the DPO-family and KTO trainers.
public struct PreferenceTraining: Codable, Sendable {
    public var steps: Int
    /// Pairs per step (DPO family); KTO takes twice as many single replies, the same tokens.
    public var pairsPerBatch: Int
    public var learningRate: Float
    public var warmupSteps: Int
    public var evalEvery: Int
    public var seed: UInt64 = 1
    public init(steps: Int, pairsPerBatch: Int, learningRate: Float, warmupSteps: Int, evalEvery: Int, seed: UInt64 = 1) {
        (self.steps, self.pairsPerBatch, self.learningRate, self.warmupSteps) = (steps, pairsPerBatch, learningRate, warmupSteps)
        (self.evalEvery, self.seed) = (evalEvery, seed)
    }

    func trainer(_ model: GPT, _ parameters: [Variable]?) -> Trainer {
        var tc = TrainConfig(batchSize: pairsPerBatch, contextLength: model.config.contextLength, steps: steps,
                             learningRate: learningRate, minLearningRate: 0, warmupSteps: warmupSteps, evalEvery: evalEvery, seed: seed)
        tc.weightDecay = 0
        return Trainer(model: model, config: tc, parameters: parameters)
    }

    public static let metricColumns = ["step", "loss", "rewards_chosen", "rewards_rejected", "rewards_accuracies",
                                       "rewards_margins", "logps_chosen", "logps_rejected", "kl", "lr", "grad_norm",
                                       "eval_loss", "eval_rewards_chosen", "eval_rewards_rejected",
                                       "eval_rewards_accuracies", "eval_rewards_margins"]
}

/// Direct preference optimisation and its pairwise relatives: the policy (a copy of the SFT
/// model, all weights or LoRA adapters trainable) is trained on preference pairs with one of
/// `PreferenceLoss`'s losses. No reward model, no sampling: one forward and backward pass per
/// batch, against reference log-probs computed once beforehand.
public final class DPOTrainer {
    public let model: GPT
    public let loss: PreferenceLoss
    public let lossSettings: LossSettings
    public let settings: PreferenceTraining
    public let trainer: Trainer
    public let train: [PreparedPair]
    public let heldOut: [PreparedPair]
    let pad: Int

    /// `train`/`heldOut` come from `ReferenceLogProbs.prepare` (with the reference's log-probs
    /// when the loss needs them); `parameters` are the trainable ones (default: all).
    public init(model: GPT, loss: PreferenceLoss, lossSettings: LossSettings = .init(), train: [PreparedPair],
                heldOut: [PreparedPair], settings: PreferenceTraining, pad: Int, parameters: [Variable]? = nil) throws {
        if train.isEmpty { throw CourseError("no preference pair to train on") }
        (self.model, self.loss, self.lossSettings, self.settings) = (model, loss, lossSettings, settings)
        (self.train, self.heldOut, self.pad) = (train, heldOut, pad)
        trainer = settings.trainer(model, parameters)
    }

    // MARK: book dpo-step
    /// One batch of B pairs: chosen and rejected replies share one padded forward pass
    /// ([2B, T] → sequence log-probs [2B]), split into the two halves, then the loss.
    public func lossAndLogProbs(_ batch: [PreparedPair]) -> (output: LossOutput, chosen: [Float], rejected: [Float]) {
        let b = batch.count
        let (sums, counts) = SequenceLogProbs.compute(model, batch.map(\.chosen) + batch.map(\.rejected), pad: pad)
        let x = PairLogProbs(policyChosen: sums.slice(axis: 0, start: 0, length: b),
                             policyRejected: sums.slice(axis: 0, start: b, length: b),
                             referenceChosen: batch.map(\.referenceChosen), referenceRejected: batch.map(\.referenceRejected),
                             chosenCounts: Array(counts[0..<b]), rejectedCounts: Array(counts[b...]))
        return (loss(x, lossSettings), x.policyChosen.value.array, x.policyRejected.value.array)
    }
    // MARK: end

    /// Pairs are drawn in a shuffled order per epoch (see `EpochOrder`).
    lazy var order = EpochOrder(count: train.count, seed: settings.seed)
    func nextBatch() -> [PreparedPair] {
        (0..<min(settings.pairsPerBatch, train.count)).map { _ in train[order.next()] }
    }

    /// Continues from the latest checkpoint in `dir`, if any; returns whether it did.
    public func resume(from dir: URL) throws -> Bool {
        guard let extra = try trainer.resume(from: dir) else { return false }
        order.restore(extra)
        return true
    }

    /// Loss and reward statistics on `pairs` (default: the held-out pairs), no graph.
    public func evaluate(_ pairs: [PreparedPair]? = nil) -> (loss: Double, stats: RewardStats) {
        let pairs = pairs ?? heldOut
        return noGrad {
            var total = 0.0, c: [Float] = [], r: [Float] = []
            for s in stride(from: 0, to: pairs.count, by: 8) {
                let batch = Array(pairs[s..<min(s + 8, pairs.count)])
                let out = lossAndLogProbs(batch).output
                total += Double(out.loss.scalar) * Double(batch.count)
                c += out.chosenRewards; r += out.rejectedRewards
            }
            return (total / Double(max(pairs.count, 1)), RewardStats(chosen: c, rejected: r))
        }
    }

    /// Trains for `settings.steps`, logging TRL's numbers to `metrics`. With `checkpoints`
    /// (full fine-tuning only: the checkpoint holds every weight and its optimiser moments),
    /// saves a resumable checkpoint at every evaluation.
    public func run(metrics: MetricsWriter, label: String = "dpo", quiet: Bool = false, checkpoints: URL? = nil) throws {
        let loop = TrainingLoop(label: label, steps: settings.steps, evalEvery: settings.evalEvery, quiet: quiet)
        try loop.run(from: trainer.step, metrics: metrics, step: { _ in
            let batch = nextBatch()
            var out: (output: LossOutput, chosen: [Float], rejected: [Float])?
            let stats = try trainer.step {
                out = lossAndLogProbs(batch)
                return out!.output.loss
            }
            let rs = RewardStats(chosen: out!.output.chosenRewards, rejected: out!.output.rejectedRewards)
            var row = rs.row()
            row["step"] = Double(trainer.step); row["loss"] = Double(stats.loss)
            row["logps_chosen"] = RewardStats(chosen: out!.chosen, rejected: out!.rejected).chosen
            row["logps_rejected"] = RewardStats(chosen: out!.chosen, rejected: out!.rejected).rejected
            row["lr"] = Double(stats.lr); row["grad_norm"] = Double(stats.gradNorm)
            return .init(row, status: String(format: "loss %.3f", stats.loss))
        }, evaluate: heldOut.isEmpty ? nil : { [self] _ in
            let e = evaluate()
            return .init(["eval_loss": e.loss].merging(e.stats.row(prefix: "eval_")) { $1 },
                         status: String(format: "held-out acc %.0f%% margin %.3f", 100 * e.stats.accuracy, e.stats.margin))
        }, checkpoint: checkpoints.map { dir in { [self] _ in try trainer.saveCheckpoint(in: dir, extra: order.checkpointState) } })
    }
}
