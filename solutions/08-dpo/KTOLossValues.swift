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
