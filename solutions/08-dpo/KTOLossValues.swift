import Core
import Foundation

/// Exercise 8.4 — The KTO loss and its gradient.
///
/// KTO learns from single replies labelled desirable (`labels[i]` true) or undesirable, the data
/// a thumbs-up button collects. Reply i's implicit reward is its log-ratio
/// r_i = policy[i] − reference[i] (sums of log-probabilities over its tokens), compared with a
/// reference point z: how far the policy has drifted in general, the mean of
/// policyKL[j] − referenceKL[j] over the mismatched pairs (each prompt with another example's
/// reply), never below 0, and 0 when there are none. A desirable reply is rewarded for rising
/// above z and costs desirableWeight · (1 − σ(β·(r_i − z))); an undesirable one for falling
/// below it, undesirableWeight · (1 − σ(β·(z − r_i))). The batch's loss is the mean over its B
/// replies.
///
/// z is a constant to the gradient (TRL detaches it: the mismatched pairs are scored without a
/// graph, so the policy cannot move its own reference point). Return each reply's loss, z, and
/// the derivative of the batch's mean loss with respect to each policy[i]. Refuse (throw a
/// `CourseError` that says what is wrong) inputs whose counts do not match: one reference and
/// one label per policy log-probability, one referenceKL per policyKL. The book's "The losses"
/// works an example.
public func ktoLoss(policy: [Float], reference: [Float], labels: [Bool], policyKL: [Float], referenceKL: [Float],
                    beta: Float, desirableWeight: Float, undesirableWeight: Float) throws
    -> (losses: [Float], z: Float, gradient: [Float]) {
    guard reference.count == policy.count, labels.count == policy.count, referenceKL.count == policyKL.count else {
        throw CourseError("ktoLoss: \(policy.count) policy log-probs, \(reference.count) reference, \(labels.count) labels; "
                          + "\(policyKL.count) mismatched policy log-probs, \(referenceKL.count) reference")
    }
    // z: the policy's drift on replies that do not belong to their prompts, clamped at 0.
    var drift: Float = 0
    for j in policyKL.indices { drift += policyKL[j] - referenceKL[j] }
    let z = max(drift / Float(max(policyKL.count, 1)), 0)
    let n = Float(policy.count)
    var losses: [Float] = [], gradient: [Float] = []
    for i in policy.indices {
        // +1: the reply should rise above z; −1: it should fall below it.
        let sign: Float = labels[i] ? 1 : -1
        let weight = labels[i] ? desirableWeight : undesirableWeight
        let x = beta * sign * (policy[i] - reference[i] - z)
        let s = 1 / (1 + expf(-x))                      // σ(x); exp overflows to ∞ and s to 0, not NaN
        losses.append(weight * (1 - s))
        // d(1 − σ(x))/dx = −σ(x)(1 − σ(x)), dx/d policy[i] = β·sign, and the mean divides by B.
        gradient.append(-weight * s * (1 - s) * beta * sign / n)
    }
    return (losses, z, gradient)
}
