import Autograd
import Core
import Foundation

/// The Bradley–Terry model of preferences: the probability that a rater prefers reply c over
/// reply r is σ(r_c − r_r), where r is a scalar "strength" (the reward). Training maximises the
/// log-likelihood of the observed preferences, exactly as TRL's `RewardTrainer` does.
public enum BradleyTerry {
    // MARK: book bradley-terry
    /// Mean over the batch of −log σ(r_c − r_r − m), plus c · mean((r_c + r_r)²).
    ///
    /// - `margin` m (optional, one per pair): how much better chosen must be; a pair rated
    ///   "much better" can ask for a larger gap (Llama 2's margin loss).
    /// - `centering` c (TRL's `center_rewards_coefficient`, 0.01 suggested): the loss only sees
    ///   differences, so every reward could drift by a constant; this term keeps them near 0.
    ///
    /// chosen, rejected: [B] → a scalar.
    public static func loss(chosen: Variable, rejected: Variable, margin: [Float]? = nil, centering: Float = 0) -> Variable {
        KitAnswer.used("BradleyTerry.loss", answers: "6.1")
        if let mine = LearnerCode.function("bradleyTerry", as: BradleyTerryFunction.self) { return learnerLoss(chosen, rejected, margin, centering, mine) }
        var diff = chosen - rejected                                         // [B]
        if let margin { diff = diff - Variable(Tensor([margin.count], margin)) }
        var loss = -diff.logSigmoid().mean()
        if centering > 0 { loss = loss + centering * (chosen + rejected).square().mean() }
        return loss
    }
    // MARK: end

    /// The probability the model gives to "chosen is better": σ(r_c − r_r).
    public static func preferenceProbability(chosen: Float, rejected: Float) -> Float {
        1 / (1 + expf(-(chosen - rejected)))
    }
}

extension BradleyTerry {
    /// The loss computed by the learner's function (exercise 6.1), which returns its own
    /// gradients with respect to both rewards: they flow back into the reward model, as
    /// `course run dpo --mine` does with the DPO loss.
    static func learnerLoss(_ chosen: Variable, _ rejected: Variable, _ margin: [Float]?, _ centering: Float,
                            _ mine: BradleyTerryFunction) -> Variable {
        let n = chosen.shape[0]
        let out = mine(chosen.value.array, rejected.value.array, margin, centering)
        precondition(out.dChosen.count == n && out.dRejected.count == n,
                     "bradleyTerryLoss returned \(out.dChosen.count) and \(out.dRejected.count) gradients for \(n) pairs")
        return Variable(Tensor(scalar: out.loss), parents: [chosen, rejected], name: "bradley_terry_mine") { g in
            let s = g.scalar
            chosen.accumulate(Tensor([n], out.dChosen.map { $0 * s }))
            rejected.accumulate(Tensor([n], out.dRejected.map { $0 * s }))
        }
    }
}

// The shapes of the functions a learner plugs in with `course run reward-model --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias BradleyTerryFunction = ([Float], [Float], [Float]?, Float) -> (loss: Float, dChosen: [Float], dRejected: [Float])
public typealias PairBatchFunction = ([(chosen: [Int], rejected: [Int])], Int) -> (ids: [Int], last: [Int])
public typealias RewardHeadFunction = (Tensor, [Int], Tensor) -> [Float]
public typealias RewardHeadBackwardFunction = (Tensor, [Int], Tensor, [Float]) -> (head: Tensor, hidden: Tensor)
public typealias PairEvaluationFunction = ([Float], [Float], [Bool], Int) -> PairMetrics
