import Autograd
import Core

/// The shape of the DPO loss a learner plugs in with `course run dpo --mine` (exercise 8.2):
/// (policy chosen, rejected, reference chosen, rejected, β, label smoothing ε) → per pair, the
/// loss, both implicit rewards, and the loss's derivatives with respect to the policy's two
/// sequence log-probabilities.
public typealias DPOLossFunction = ([Float], [Float], [Float], [Float], Float, Float)
    -> (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float])

extension PreferenceLoss {
    /// DPO's sigmoid loss with label smoothing ε computed by the learner's function: its mean
    /// over the batch is the loss, and its per-pair derivatives (divided by the batch size, as the
    /// mean does) flow back into the policy's log-probabilities, and from there through the model.
    static func learnerSigmoid(_ x: PairLogProbs, beta: Float, labelSmoothing: Float, _ mine: DPOLossFunction) -> LossOutput {
        let (pc, pr) = (x.policyChosen, x.policyRejected)
        let n = pc.shape[0]
        let out = mine(pc.value.array, pr.value.array, x.referenceChosen, x.referenceRejected, beta, labelSmoothing)
        precondition(out.losses.count == n && out.dChosen.count == n && out.dRejected.count == n,
                     "dpoLoss returned \(out.losses.count) losses and \(out.dChosen.count) gradients for \(n) pairs")
        let mean = out.losses.reduce(0, +) / Float(n)
        let loss = Variable(Tensor(scalar: mean), parents: [pc, pr], name: "dpo_loss_mine") { g in
            let scale = g.scalar / Float(n)
            if pc.requiresGrad { pc.accumulate(Tensor([n], out.dChosen.map { $0 * scale })) }
            if pr.requiresGrad { pr.accumulate(Tensor([n], out.dRejected.map { $0 * scale })) }
        }
        return LossOutput(loss: loss, chosenRewards: out.chosenRewards, rejectedRewards: out.rejectedRewards)
    }
}

extension LossSettings {
    /// The label smoothing that makes the smoothed sigmoid loss, −(1−ε′) log σ(z) − ε′ log σ(−z),
    /// equal to robust DPO's (−(1−ε) log σ(z) + ε log σ(−z)) / (1 − 2ε): ε′ = −ε / (1 − 2ε), since
    /// then 1 − ε′ = (1 − ε) / (1 − 2ε). So exercise 8.2's function trains the robust run too.
    public static func robustAsSmoothing(_ eps: Float) -> Float { -eps / (1 - 2 * eps) }
}
