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
    try checkPairs("ipoLoss", [policyChosen.count, policyRejected.count, referenceChosen.count, referenceRejected.count,
                               chosenCounts.count, rejectedCounts.count], chosenCounts + rejectedCounts)
    let b = Float(policyChosen.count)
    var out: (losses: [Float], dChosen: [Float], dRejected: [Float]) = ([], [], [])
    for i in policyChosen.indices {
        let nc = Float(chosenCounts[i]), nr = Float(rejectedCounts[i])
        // Δavg: the chosen reply's averaged log-ratio minus the rejected one's.
        let delta = (policyChosen[i] - referenceChosen[i]) / nc - (policyRejected[i] - referenceRejected[i]) / nr
        let e = delta - 1 / (2 * beta)                  // how far Δavg is from its target 1/(2β)
        out.losses.append(e * e)
        // d(e²)/dΔavg = 2e; Δavg moves by 1/n_c per unit of the chosen log-prob, by −1/n_r per
        // unit of the rejected one; the batch's loss is the mean, so each pair counts 1/B.
        out.dChosen.append(2 * e / nc / b)
        out.dRejected.append(-2 * e / nr / b)
    }
    return out
}

/// SimPO's per-pair losses (no reference model) and the derivatives of their mean.
public func simpoLoss(policyChosen: [Float], policyRejected: [Float], chosenCounts: [Int], rejectedCounts: [Int],
                      beta: Float, gamma: Float) throws -> (losses: [Float], dChosen: [Float], dRejected: [Float]) {
    try checkPairs("simpoLoss", [policyChosen.count, policyRejected.count, chosenCounts.count, rejectedCounts.count],
                   chosenCounts + rejectedCounts)
    let b = Float(policyChosen.count)
    var out: (losses: [Float], dChosen: [Float], dRejected: [Float]) = ([], [], [])
    for i in policyChosen.indices {
        let nc = Float(chosenCounts[i]), nr = Float(rejectedCounts[i])
        let x = beta * (policyChosen[i] / nc - policyRejected[i] / nr) - gamma   // γ after β, not inside it
        // −log σ(x) and σ(−x), each written so that neither branch exponentiates a large number.
        out.losses.append(x >= 0 ? log1p(expf(-x)) : -x + log1p(expf(x)))
        let sigmoidMinusX = x >= 0 ? expf(-x) / (1 + expf(-x)) : 1 / (1 + expf(x))
        // d(−log σ(x))/dx = −σ(−x); x moves by β/n_c per unit of the chosen log-prob, −β/n_r per
        // unit of the rejected one; and the mean divides by B.
        out.dChosen.append(-beta * sigmoidMinusX / nc / b)
        out.dRejected.append(beta * sigmoidMinusX / nr / b)
    }
    return out
}

/// One value per pair in every array (`lengths`, in the order of the arguments), and at least
/// one completion token per reply.
private func checkPairs(_ name: String, _ lengths: [Int], _ counts: [Int]) throws {
    guard Set(lengths).count == 1 else { throw CourseError("\(name): every array needs one value per pair; their lengths are \(lengths)") }
    if let bad = counts.first(where: { $0 < 1 }) {
        throw CourseError("\(name): a reply with \(bad) completion tokens has no per-token average")
    }
}
