import Autograd
import Core
import Foundation
import Transformer

/// KTO training on unpaired replies (`UnpairedPreference`), evaluated on the same held-out
/// pairs as the DPO family (implicit rewards β(log π − log π_ref) of chosen and rejected).
public final class KTOTrainer {
    public let model: GPT
    public let kto: KTOSettings
    public let settings: PreferenceTraining
    public let trainer: Trainer
    public let train: [PreparedUnpaired]
    public let heldOut: [PreparedPair]
    let pad: Int

    public init(model: GPT, kto: KTOSettings = .init(), train: [PreparedUnpaired], heldOut: [PreparedPair],
                settings: PreferenceTraining, pad: Int, parameters: [Variable]? = nil) throws {
        if train.count < 2 { throw CourseError("KTO needs at least two examples (the KL estimate pairs them up)") }
        (self.model, self.kto, self.settings, self.train, self.heldOut, self.pad) = (model, kto, settings, train, heldOut, pad)
        trainer = settings.trainer(model, parameters)
    }

    /// One batch: the policy's log-probs of the replies (with a graph) and of the mismatched
    /// pairs (without one: z is detached), then the KTO loss.
    public func loss(_ batch: [PreparedUnpaired]) -> (loss: Variable, kl: Float, chosen: [Float], rejected: [Float]) {
        let policy = SequenceLogProbs.compute(model, batch.map(\.sequence), pad: pad).sums
        let policyKL = SequenceLogProbs.values(model, batch.map(\.mismatched), pad: pad)
        let x = KTOBatch(policy: policy, reference: batch.map(\.reference), labels: batch.map(\.label),
                         policyKL: policyKL, referenceKL: batch.map(\.referenceMismatched))
        let out = KTOLoss.loss(x, kto)
        return (out.loss, out.kl, out.chosenRewards, out.rejectedRewards)
    }

    var order: [Int] = []
    var cursor = 0
    func nextBatch() -> [PreparedUnpaired] {
        (0..<min(2 * settings.pairsPerBatch, train.count)).map { _ in
            if cursor >= order.count { order = Array(train.indices); trainer.rng.shuffle(&order); cursor = 0 }
            cursor += 1
            return train[order[cursor - 1]]
        }
    }

    /// Implicit rewards on the held-out pairs.
    public func evaluate() -> RewardStats {
        let pol = DPOTrainer.policyLogProbs(model, heldOut, pad: pad)
        let b = kto.beta
        return RewardStats(chosen: heldOut.indices.map { b * (pol.chosen[$0] - heldOut[$0].referenceChosen) },
                           rejected: heldOut.indices.map { b * (pol.rejected[$0] - heldOut[$0].referenceRejected) })
    }

    public func run(metrics: MetricsWriter, label: String = "kto", quiet: Bool = false) throws {
        let loop = TrainingLoop(label: label, steps: settings.steps, evalEvery: settings.evalEvery, quiet: quiet)
        try loop.run(from: trainer.step, metrics: metrics, step: { _ in
            let batch = nextBatch()
            var out: (loss: Variable, kl: Float, chosen: [Float], rejected: [Float])?
            let stats = try trainer.step {
                out = loss(batch)
                return out!.loss
            }
            var row = RewardStats(chosen: out!.chosen, rejected: out!.rejected).row()
            row["step"] = Double(trainer.step); row["loss"] = Double(stats.loss); row["kl"] = Double(out!.kl)
            row["lr"] = Double(stats.lr); row["grad_norm"] = Double(stats.gradNorm)
            return .init(row, status: String(format: "loss %.3f z %.2f", stats.loss, out!.kl))
        }, evaluate: heldOut.isEmpty ? nil : { [self] _ in
            let e = evaluate()
            return .init(e.row(prefix: "eval_"), status: String(format: "held-out acc %.0f%% margin %.3f", 100 * e.accuracy, e.margin))
        })
    }
}

extension DPOTrainer {
    /// The policy's sequence log-probs of both replies of every pair (no graph).
    public static func policyLogProbs(_ model: GPT, _ pairs: [PreparedPair], pad: Int) -> (chosen: [Float], rejected: [Float]) {
        (SequenceLogProbs.values(model, pairs.map(\.chosen), pad: pad), SequenceLogProbs.values(model, pairs.map(\.rejected), pad: pad))
    }
}
