import Core
import Foundation

/// Exercise 8.2 — The DPO loss with label smoothing, its implicit rewards, and its gradient.
///
/// For each pair i you get four sequence log-probabilities: the policy's and the frozen
/// reference model's, of the chosen and of the rejected reply. DPO's implicit reward of a
/// reply is β times how far the policy has raised its log-probability above the reference's,
/// and z is the chosen reward minus the rejected one. Plain DPO's loss is −log σ(z).
/// Label smoothing ε (cDPO, TRL's `label_smoothing`) assumes a share ε of the labels are
/// flipped: the loss is (1 − ε) times the loss of the pair as labelled plus ε times the loss of
/// the pair the other way round, −log σ(−z). ε = 0 must give plain DPO exactly; the robust run
/// passes a negative ε (the book shows why), so do not assume ε ≥ 0.
///
/// Return, per pair, the loss, both rewards, and the derivative of that pair's loss with
/// respect to the policy's two log-probabilities (`dChosen`, `dRejected`): with them,
/// `course run dpo --mine` trains the policy on your loss. Compute −log σ without overflow,
/// for z of either sign and any size.
///
/// Example (β 0.1, policy −10 and −50, reference −20 and −30): rewards 1 and −2, z = 3; with
/// ε = 0 the loss is 0.0486 and `dChosen` −0.00474; with ε = 0.1 the loss is 0.349 and
/// `dChosen` +0.00526: the pair is ranked so far right that smoothing pushes back.
public func dpoLoss(policyChosen: [Float], policyRejected: [Float], referenceChosen: [Float], referenceRejected: [Float],
                    beta: Float, labelSmoothing: Float) throws
    -> (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float]) {
    let eps = labelSmoothing
    // −log σ(x) = log(1 + e^(−x)), and σ(x), written so that neither branch exponentiates a large number.
    func minusLogSigmoid(_ x: Float) -> Float { x >= 0 ? log1p(expf(-x)) : -x + log1p(expf(x)) }
    func sigmoid(_ x: Float) -> Float { x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) }
    var out: (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float]) = ([], [], [], [], [])
    for i in policyChosen.indices {
        let chosenRatio = policyChosen[i] - referenceChosen[i]        // how far the policy raised each reply
        let rejectedRatio = policyRejected[i] - referenceRejected[i]
        let z = beta * (chosenRatio - rejectedRatio)                   // β·Δ, the reward margin
        let c = beta * chosenRatio, r = beta * rejectedRatio           // the implicit rewards
        // The label is right with probability 1 − ε (loss −log σ(z)), flipped with probability ε
        // (the pair the other way round: −log σ(−z)). At ε = 0 the second term is exactly zero.
        out.losses.append((1 - eps) * minusLogSigmoid(z) + eps * minusLogSigmoid(-z))
        out.chosenRewards.append(c)
        out.rejectedRewards.append(r)
        // d/dz: −log σ(z) gives −σ(−z), −log σ(−z) gives +σ(z); together σ(z) − (1 − ε), which
        // turns positive (pushes the margin back) once σ(z) > 1 − ε.
        let dz = -(1 - eps) * sigmoid(-z) + eps * sigmoid(z)
        // z grows by β per unit of the chosen log-prob and falls by β per unit of the rejected one.
        out.dChosen.append(beta * dz)
        out.dRejected.append(-beta * dz)
    }
    return out
}
