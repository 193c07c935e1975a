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
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.2")
}
