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
    var z: Float = 0
    for j in policyKL.indices { z += policyKL[j] - referenceKL[j] }
    z = max(z / Float(policyKL.count), 0)
    let losses = policy.indices.map { i -> Float in
        let r = policy[i] - reference[i]
        let x = labels[i] ? beta * (r - z) : beta * (z - r)
        return 1 - 1 / (1 + expf(-x))
    }
    return (losses, z)
}
