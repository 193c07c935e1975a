import Core
import Foundation

/// Exercise 8.3 — Length-normalised preference losses and their gradients: IPO and SimPO.
///
/// Both work on PER-TOKEN AVERAGED log-probabilities (each sequence log-prob divided by its
/// number of completion tokens, `chosenCounts[i]` or `rejectedCounts[i]`), so long and short
/// replies weigh the same.
///
/// `ipoLoss` (Azar et al., TRL's loss_type "ipo") keeps DPO's reference model but, instead of
/// −log σ, which rewards a larger margin forever, regresses the averaged log-ratio gap onto a
/// target that depends on β: a squared error.
///
/// `simpoLoss` (Meng et al., TRL's CPOTrainer with loss_type "simpo") drops the reference
/// model: the reward is the policy's own average log-probability, and the chosen reply must
/// win by a margin γ inside −log σ.
///
/// Each returns the per-pair losses and, per pair, the derivative of the batch's MEAN loss with
/// respect to the policy's two sequence log-probabilities (`dChosen`, `dRejected`): with them,
/// `course run dpo --loss ipo --mine` (or `--loss simpo`) trains the policy on your loss.
/// Compute −log σ without overflow. Refuse (throw a `CourseError` that says what is wrong)
/// arrays of different lengths and a token count below 1. The book gives both formulas and a
/// worked pair each; one of them, alone in its batch (B = 1): SimPO with β 2 and γ 1, a chosen
/// reply of 10 tokens at −12 against a rejected one of 5 tokens at −8, costs 0.798, with
/// derivatives −0.110 (chosen) and +0.220 (rejected).
public func ipoLoss(policyChosen: [Float], policyRejected: [Float], referenceChosen: [Float], referenceRejected: [Float],
                    chosenCounts: [Int], rejectedCounts: [Int], beta: Float) throws
    -> (losses: [Float], dChosen: [Float], dRejected: [Float]) {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.3")
}

/// SimPO's per-pair losses (no reference model) and the derivatives of their mean.
public func simpoLoss(policyChosen: [Float], policyRejected: [Float], chosenCounts: [Int], rejectedCounts: [Int],
                      beta: Float, gamma: Float) throws -> (losses: [Float], dChosen: [Float], dRejected: [Float]) {
    // Write your code here too.
    throw Todo("8.3")
}
