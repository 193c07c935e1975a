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
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.2")
}
