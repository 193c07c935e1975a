import Autograd
import Core
import Foundation

/// KTO (Kahneman–Tversky optimisation, TRL's `KTOTrainer`): learns from single replies labelled
/// desirable or undesirable, no pairs needed. Each reply's implicit reward r = log π − log π_ref
/// is compared with a reference point z, an estimate of KL(π ‖ π_ref) taken from mismatched
/// prompt–reply pairs:
///
///     desirable:   λ_D · (1 − σ(β (r − z)))
///     undesirable: λ_U · (1 − σ(β (z − r)))
///
/// z is detached (no gradient) and clamped at 0, so the policy cannot lower it by itself.
public struct KTOBatch {
    public var policy: Variable          // [B] Σ log π(completion)
    public var reference: [Float]        // [B] Σ log π_ref(completion)
    public var labels: [Bool]            // true: desirable
    /// Σ log π and Σ log π_ref of mismatched pairs (prompt i with another example's reply),
    /// computed without a graph.
    public var policyKL: [Float]
    public var referenceKL: [Float]
    public init(policy: Variable, reference: [Float], labels: [Bool], policyKL: [Float], referenceKL: [Float]) {
        (self.policy, self.reference, self.labels, self.policyKL, self.referenceKL) = (policy, reference, labels, policyKL, referenceKL)
    }
}

public struct KTOSettings: Codable, Sendable, Equatable {
    public var beta: Float = 0.1
    public var desirableWeight: Float = 1
    public var undesirableWeight: Float = 1
    public init(beta: Float = 0.1, desirableWeight: Float = 1, undesirableWeight: Float = 1) {
        (self.beta, self.desirableWeight, self.undesirableWeight) = (beta, desirableWeight, undesirableWeight)
    }
}

public enum KTOLoss {
    // MARK: book kto-loss
    /// Mean KTO loss over the batch, z, and the rewards β·r of the desirable and undesirable
    /// replies (TRL's rewards/chosen and rewards/rejected).
    public static func loss(_ x: KTOBatch, _ s: KTOSettings = .init())
        -> (loss: Variable, kl: Float, chosenRewards: [Float], rejectedRewards: [Float]) {
        KitAnswer.used("KTOLoss.loss", answers: "8.4")
        let ratio = x.policy - constant(x.reference)                    // r [B]
        let rewards = (s.beta * ratio).value.array
        let chosen = zip(rewards, x.labels).filter(\.1).map(\.0)
        let rejected = zip(rewards, x.labels).filter { !$0.1 }.map(\.0)
        if let mine = LearnerCode.function("ktoLoss", as: KTOLossFunction.self) {
            let out = learnerLoss(x, s, mine)
            return (out.loss, out.z, chosen, rejected)
        }
        // z: mean log-ratio on mismatched pairs, clamped at 0, a plain number (detached).
        let gaps = zip(x.policyKL, x.referenceKL).map { $0 - $1 }
        let z = max(gaps.reduce(0, +) / Float(max(gaps.count, 1)), 0)
        // +1 for desirable replies, −1 for undesirable: 1 − σ(β·sign·(r − z)).
        let sign = constant(x.labels.map { $0 ? 1 : -1 })
        let weight = constant(x.labels.map { $0 ? s.desirableWeight : s.undesirableWeight })
        let losses = weight * (-(s.beta * sign * (ratio - z)).sigmoid() + 1)
        return (losses.mean(), z, chosen, rejected)
    }
    // MARK: end
}
