import Autograd
import Core

/// The shape of IPO's loss a learner plugs in with `course run dpo --loss ipo --mine` (exercise
/// 8.3): (policy chosen, policy rejected, reference chosen, reference rejected, chosen token
/// counts, rejected token counts, β) → per pair, the loss and the derivatives of the batch's
/// mean loss with respect to the policy's two sequence log-probabilities.
public typealias IPOLossFunction = ([Float], [Float], [Float], [Float], [Int], [Int], Float)
    -> (losses: [Float], dChosen: [Float], dRejected: [Float])

/// SimPO's, for `course run dpo --loss simpo --mine` (exercise 8.3): (policy chosen, policy
/// rejected, chosen token counts, rejected token counts, β, γ) → the same.
public typealias SimPOLossFunction = ([Float], [Float], [Int], [Int], Float, Float)
    -> (losses: [Float], dChosen: [Float], dRejected: [Float])

extension PreferenceLoss {
    /// IPO or SimPO computed by the learner's function: the mean of its per-pair losses is the
    /// loss, and its derivatives of that mean flow back into the policy's log-probabilities, and
    /// from there through the model. The rewards are logged as the kit computes them. A reply
    /// with no completion token counts as one token, as in the kit's own loss.
    static func learnerLengthNormalised(_ x: PairLogProbs, _ s: LossSettings, ipo: IPOLossFunction?, simpo: SimPOLossFunction?)
        -> LossOutput {
        let (pc, pr) = (x.policyChosen, x.policyRejected)
        let n = pc.shape[0]
        let nc = x.chosenCounts.map { max($0, 1) }, nr = x.rejectedCounts.map { max($0, 1) }
        let (c, r) = (pc.value.array, pr.value.array)
        let out = if let ipo { ipo(c, r, x.referenceChosen, x.referenceRejected, nc, nr, s.beta) }
                  else { simpo!(c, r, nc, nr, s.beta, s.simpoGamma) }
        precondition(out.losses.count == n && out.dChosen.count == n && out.dRejected.count == n,
                     "the \(ipo != nil ? "IPO" : "SimPO") loss returned \(out.losses.count) losses and "
                     + "\(out.dChosen.count), \(out.dRejected.count) derivatives for \(n) pairs")
        let mean = out.losses.reduce(0, +) / Float(n)
        let loss = Variable(Tensor(scalar: mean), parents: [pc, pr], name: ipo != nil ? "ipo_loss_mine" : "simpo_loss_mine") { g in
            if pc.requiresGrad { pc.accumulate(Tensor([n], out.dChosen.map { $0 * g.scalar })) }
            if pr.requiresGrad { pr.accumulate(Tensor([n], out.dRejected.map { $0 * g.scalar })) }
        }
        // The implicit rewards TRL logs: β times the averaged log-ratio (IPO) or average log-prob (SimPO).
        let invC = nc.map { 1 / Float($0) }, invR = nr.map { 1 / Float($0) }
        let chosen = ipo != nil ? c.indices.map { s.beta * ((c[$0] - x.referenceChosen[$0]) * invC[$0]) }
                                : c.indices.map { s.beta * (c[$0] * invC[$0]) }
        let rejected = ipo != nil ? r.indices.map { s.beta * ((r[$0] - x.referenceRejected[$0]) * invR[$0]) }
                                  : r.indices.map { s.beta * (r[$0] * invR[$0]) }
        return LossOutput(loss: loss, chosenRewards: chosen, rejectedRewards: rejected)
    }
}
