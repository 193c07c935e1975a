import Core
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 8's exercises, as one table, so a check can run against the
/// learner's code, the reference, or a deliberately wrong variant.
struct Chapter8Functions {
    typealias Four = ([Float], [Float], [Float], [Float])
    var sequenceLogProbs: (Tensor, [Int], [Bool]) throws -> [Float]
    var sequenceLogProbsBackward: (Tensor, [Int], [Bool], [Float]) throws -> Tensor
    /// (policy chosen, rejected, reference chosen, rejected, β, label smoothing ε) → per pair.
    var dpoLoss: ([Float], [Float], [Float], [Float], Float, Float) throws -> (losses: [Float], chosenRewards: [Float], rejectedRewards: [Float], dChosen: [Float], dRejected: [Float])
    typealias PairGradients = (losses: [Float], dChosen: [Float], dRejected: [Float])
    /// (policy chosen, rejected, reference chosen, rejected, chosen counts, rejected counts, β)
    /// → per-pair losses and d(mean loss)/d(policy chosen), d(mean loss)/d(policy rejected).
    var ipoLoss: ([Float], [Float], [Float], [Float], [Int], [Int], Float) throws -> PairGradients
    /// (policy chosen, rejected, chosen counts, rejected counts, β, γ) → the same.
    var simpoLoss: ([Float], [Float], [Int], [Int], Float, Float) throws -> PairGradients
    /// (policy, reference, labels, policy KL, reference KL, β, desirable weight, undesirable weight)
    /// → per-example losses, z, and d(mean loss)/d(policy).
    var ktoLoss: ([Float], [Float], [Bool], [Float], [Float], Float, Float, Float) throws -> (losses: [Float], z: Float, gradient: [Float])

    static var learner: Chapter8Functions { Chapter8Functions(
        sequenceLogProbs: { try Exercises.sequenceLogProbs(logits: $0, targets: $1, mask: $2) },
        sequenceLogProbsBackward: { try Exercises.sequenceLogProbsBackward(logits: $0, targets: $1, mask: $2, upstream: $3) },
        dpoLoss: { try Exercises.dpoLoss(policyChosen: $0, policyRejected: $1, referenceChosen: $2, referenceRejected: $3, beta: $4, labelSmoothing: $5) },
        ipoLoss: { try Exercises.ipoLoss(policyChosen: $0, policyRejected: $1, referenceChosen: $2, referenceRejected: $3,
                                         chosenCounts: $4, rejectedCounts: $5, beta: $6) },
        simpoLoss: { try Exercises.simpoLoss(policyChosen: $0, policyRejected: $1, chosenCounts: $2, rejectedCounts: $3, beta: $4, gamma: $5) },
        ktoLoss: { try Exercises.ktoLoss(policy: $0, reference: $1, labels: $2, policyKL: $3, referenceKL: $4, beta: $5,
                                         desirableWeight: $6, undesirableWeight: $7) }) }

    static var reference: Chapter8Functions { Chapter8Functions(
        sequenceLogProbs: { try Solutions.sequenceLogProbs(logits: $0, targets: $1, mask: $2) },
        sequenceLogProbsBackward: { try Solutions.sequenceLogProbsBackward(logits: $0, targets: $1, mask: $2, upstream: $3) },
        dpoLoss: { try Solutions.dpoLoss(policyChosen: $0, policyRejected: $1, referenceChosen: $2, referenceRejected: $3, beta: $4, labelSmoothing: $5) },
        ipoLoss: { try Solutions.ipoLoss(policyChosen: $0, policyRejected: $1, referenceChosen: $2, referenceRejected: $3,
                                         chosenCounts: $4, rejectedCounts: $5, beta: $6) },
        simpoLoss: { try Solutions.simpoLoss(policyChosen: $0, policyRejected: $1, chosenCounts: $2, rejectedCounts: $3, beta: $4, gamma: $5) },
        ktoLoss: { try Solutions.ktoLoss(policy: $0, reference: $1, labels: $2, policyKL: $3, referenceKL: $4, beta: $5,
                                         desirableWeight: $6, undesirableWeight: $7) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter8Functions {
        var f = reference
        switch id {
        case "8.1": f.sequenceLogProbsBackward = { l, t, m, g in  // forgets the upstream: one-hot − softmax, unscaled
            try reference.sequenceLogProbsBackward(l, t, m, g.map { _ in 1 })
        }
        case "8.2": f.dpoLoss = { pc, pr, rc, rr, b, e in  // the flipped label's term pulls the same way as the
            var out = try reference.dpoLoss(pc, pr, rc, rr, b, e)   // right one: d/dz −(1−ε)σ(−z) − εσ(z), not + εσ(z)
            let (plain, flipped) = (try reference.dpoLoss(pc, pr, rc, rr, b, 0), try reference.dpoLoss(pc, pr, rc, rr, b, 1))
            out.dChosen = pc.indices.map { (1 - e) * plain.dChosen[$0] - e * flipped.dChosen[$0] }
            out.dRejected = out.dChosen.map { -$0 }
            return out
        }
        case "8.3":
            f.ipoLoss = { pc, pr, rc, rr, nc, nr, b in  // the gradient forgets the per-token average: 2e, not 2e/n
                var out = try reference.ipoLoss(pc, pr, rc, rr, nc, nr, b)
                out.dChosen = zip(out.dChosen, nc).map { $0 * Float($1) }
                out.dRejected = zip(out.dRejected, nr).map { $0 * Float($1) }
                return out
            }
            f.simpoLoss = { pc, pr, nc, nr, b, g in  // the gradient of each pair's own loss, not of the mean (no 1/B)
                var out = try reference.simpoLoss(pc, pr, nc, nr, b, g)
                out.dChosen = out.dChosen.map { $0 * Float(pc.count) }
                out.dRejected = out.dRejected.map { $0 * Float(pc.count) }
                return out
            }
        case "8.4": f.ktoLoss = { p, r, l, pk, rk, b, wd, wu in  // the gradient of each example's own loss,
            var out = try reference.ktoLoss(p, r, l, pk, rk, b, wd, wu)   // not of the batch's mean (no 1/B)
            out.gradient = out.gradient.map { $0 * Float(p.count) }
            return out
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter8Functions {
        let f: Chapter8Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}
