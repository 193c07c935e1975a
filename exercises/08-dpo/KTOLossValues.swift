import Core
import Foundation

/// Exercise 8.4 — The KTO loss.
///
/// KTO learns from single replies labelled desirable (`labels[i]` true) or not. Each reply's
/// log-ratio policy[i] − reference[i] is compared with a reference point z: how far the
/// policy has drifted in general, estimated from the mismatched pairs (policyKL, referenceKL)
/// and never negative. A desirable reply is rewarded for rising above z, an undesirable one
/// for falling below it, through 1 − σ of the β-scaled gap (the book gives the formula).
///
/// Return the per-example losses and z.
public func ktoLoss(policy: [Float], reference: [Float], labels: [Bool], policyKL: [Float], referenceKL: [Float],
                    beta: Float) throws -> (losses: [Float], z: Float) {
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.4")
}
