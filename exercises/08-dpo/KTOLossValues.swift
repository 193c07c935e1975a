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
    // Write your code here, then run `swift run course check 8`.
    throw Todo("8.4")
}
