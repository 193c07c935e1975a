import Core
import Foundation

/// Exercise 8.4 — The KTO loss.
///
/// KTO learns from single replies labelled desirable (`labels[i]` true) or not. Each reply's
/// log-ratio is r[i] = policy[i] − reference[i]. The reference point z estimates how far the
/// policy has drifted in general: the mean of policyKL[j] − referenceKL[j] over the mismatched
/// pairs, clamped at 0 (never negative). With σ the logistic function:
///
///     desirable:   loss[i] = 1 − σ(β (r[i] − z))
///     undesirable: loss[i] = 1 − σ(β (z − r[i]))
///
/// Return the per-example losses and z.
public func ktoLoss(policy: [Float], reference: [Float], labels: [Bool], policyKL: [Float], referenceKL: [Float],
                    beta: Float) throws -> (losses: [Float], z: Float) {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.4")
}
