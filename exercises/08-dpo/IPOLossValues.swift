import Core

/// Exercise 8.3 — The IPO loss.
///
/// IPO (Azar et al., TRL's loss_type "ipo") replaces DPO's −log σ, which keeps pushing the
/// margin up forever, with a squared error that pulls it to a target 1/(2β). It works on
/// PER-TOKEN AVERAGED log-probabilities: divide each sequence log-prob by its number of
/// completion tokens (`chosenCounts[i]`, `rejectedCounts[i]`), then
///
///     Δ[i]    = (avg π(c) − avg π_ref(c)) − (avg π(r) − avg π_ref(r))
///     loss[i] = (Δ[i] − 1/(2β))²
///
/// Return the per-pair losses. Check: Δ = 0 with β = 0.1 gives 25.
public func ipoLoss(policyChosen: [Float], policyRejected: [Float], referenceChosen: [Float], referenceRejected: [Float],
                    chosenCounts: [Int], rejectedCounts: [Int], beta: Float) throws -> [Float] {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.3")
}
