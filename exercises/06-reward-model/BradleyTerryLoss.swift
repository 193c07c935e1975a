import Core
import Foundation

/// Exercise 6.1 — The Bradley–Terry loss and its gradient.
///
/// A reward model gives each pair a reward for the chosen reply, c[i], and for the rejected
/// one, r[i]. With d[i] = c[i] − r[i] − m[i] (m = `margin`, all zeros when nil), the loss is
///
///     L = mean_i(−log σ(d[i])) + k · mean_i((c[i] + r[i])²)      (k = `centering`)
///
/// Return L and its gradient with respect to every c[i] and r[i]. Use
/// d/dx(−log σ(x)) = −(1 − σ(x)) = −σ(−x), and compute −log σ(x) without overflow
/// (for x < 0 it is −x + log(1 + eˣ)). Check: c = r gives L = ln 2 when k = 0.
public func bradleyTerryLoss(chosen: [Float], rejected: [Float], margin: [Float]?, centering: Float) throws
    -> (loss: Float, dChosen: [Float], dRejected: [Float]) {
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.1")
}
