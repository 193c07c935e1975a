import Core
import Foundation

/// Exercise 6.1 — The Bradley–Terry loss and its gradient.
///
/// A reward model gives each pair a reward for the chosen reply, c[i], and for the rejected
/// one, r[i]. The loss is the mean over pairs of −log σ of their difference (less the pair's
/// `margin`, when given), plus `centering` times the mean squared sum of the two rewards,
/// which keeps rewards near zero (the book gives the formula and a worked pair).
///
/// Return the loss and its gradient with respect to every c[i] and r[i], computing −log σ
/// without overflow for large differences of either sign.
public func bradleyTerryLoss(chosen: [Float], rejected: [Float], margin: [Float]?, centering: Float) throws
    -> (loss: Float, dChosen: [Float], dRejected: [Float]) {
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.1")
}
