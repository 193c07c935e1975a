import Core
import Foundation

/// Exercise 8.2 — The DPO loss, its implicit rewards, and its gradient.
///
/// For each pair i you get four sequence log-probabilities: the policy's and the frozen
/// reference model's, of the chosen and of the rejected reply. DPO's implicit reward of a
/// reply is β times how far the policy has raised its log-probability above the reference's;
/// the loss of a pair is −log σ of the chosen reward minus the rejected one (the book gives
/// the formula and a worked pair).
///
/// Return, per pair, the loss, both rewards, and the derivative of that pair's loss with
/// respect to the policy's two log-probabilities (`dChosen`, `dRejected`): with them,
/// `course run dpo --mine` trains the policy on your loss. Compute −log σ without overflow.
public func dpoLoss(policyChosen: [Float], policyRejected: [Float], referenceChosen: [Float], referenceRejected: [Float],
                    beta: Float) throws
    -> (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float]) {
    var out: (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float]) = ([], [], [], [], [])
    for i in policyChosen.indices {
        let chosenRatio = policyChosen[i] - referenceChosen[i]        // how far the policy raised each reply
        let rejectedRatio = policyRejected[i] - referenceRejected[i]
        let x = beta * (chosenRatio - rejectedRatio)                   // β·Δ
        let c = beta * chosenRatio, r = beta * rejectedRatio           // the implicit rewards
        // −log σ(x) = log(1 + e^(−x)), written so that neither branch exponentiates a large number.
        out.losses.append(x >= 0 ? log1p(expf(-x)) : -x + log1p(expf(x)))
        out.chosenRewards.append(c)
        out.rejectedRewards.append(r)
        // d(−log σ(x))/dx = −σ(−x); x grows with the chosen log-prob (×β) and falls with the rejected one.
        let sigmoidMinusX = x >= 0 ? expf(-x) / (1 + expf(-x)) : 1 / (1 + expf(x))
        out.dChosen.append(-beta * sigmoidMinusX)
        out.dRejected.append(beta * sigmoidMinusX)
    }
    return out
}
