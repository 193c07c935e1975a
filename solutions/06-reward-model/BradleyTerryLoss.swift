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
    let n = Float(chosen.count)
    var loss: Float = 0
    var dc = [Float](repeating: 0, count: chosen.count), dr = dc
    for i in chosen.indices {
        let d = chosen[i] - rejected[i] - (margin?[i] ?? 0)
        loss += (d >= 0 ? log1p(expf(-d)) : -d + log1p(expf(d))) / n
        let g = -1 / (1 + expf(d)) / n          // d(−log σ(d))/dd = −σ(−d), averaged
        let s = chosen[i] + rejected[i]
        loss += centering * s * s / n
        dc[i] = g + 2 * centering * s / n
        dr[i] = -g + 2 * centering * s / n
    }
    return (loss, dc, dr)
}
