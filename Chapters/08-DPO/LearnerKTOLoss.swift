import Autograd
import Core

/// The shape of the KTO loss a learner plugs in with `course run dpo --loss kto --mine`
/// (exercise 8.4): (policy, reference, labels, policy and reference log-probs of the mismatched
/// pairs, β, desirable weight, undesirable weight) → each example's loss, z, and the derivative
/// of the batch's mean loss with respect to each example's policy log-probability.
public typealias KTOLossFunction = ([Float], [Float], [Bool], [Float], [Float], Float, Float, Float)
    -> (losses: [Float], z: Float, gradient: [Float])

extension KTOLoss {
    /// KTO's loss computed by the learner's function: the mean of its per-example losses is the
    /// loss, and its derivatives flow back into the policy's log-probabilities, and from there
    /// through the model. z comes from log-probabilities computed without a graph: no gradient.
    static func learnerLoss(_ x: KTOBatch, _ s: KTOSettings, _ mine: KTOLossFunction) -> (loss: Variable, z: Float) {
        let p = x.policy, n = p.shape[0]
        let out = mine(p.value.array, x.reference, x.labels, x.policyKL, x.referenceKL, s.beta, s.desirableWeight, s.undesirableWeight)
        precondition(out.losses.count == n && out.gradient.count == n,
                     "ktoLoss returned \(out.losses.count) losses and \(out.gradient.count) derivatives for \(n) examples")
        let mean = out.losses.reduce(0, +) / Float(n)
        let loss = Variable(Tensor(scalar: mean), parents: [p], name: "kto_loss_mine") { g in
            if p.requiresGrad { p.accumulate(Tensor([n], out.gradient.map { $0 * g.scalar })) }
        }
        return (loss, out.z)
    }
}
