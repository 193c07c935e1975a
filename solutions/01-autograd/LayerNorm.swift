import Core
import Foundation

/// Exercise 1.3 — Layer normalisation, forward and backward.
///
/// `x` is [N, C]: N rows (positions) of C features. Each row is normalised on its own, with
/// its mean and its BIASED variance (divide by C, not C − 1), eps inside the square root:
///
///     x̂ = (x − mean) / √(var + eps)          y = x̂ · gamma + beta        (gamma, beta [C])
///
/// `upstream` [N, C] is dL/dy for some loss L. Return y [N, C] and the three gradients
/// dL/dx [N, C], dL/dgamma [C] and dL/dbeta [C]. The book's "Layer normalisation" section
/// derives dL/dx; note that every x̂ of a row depends on every x of that row.
///
/// Example: one row x = [1, 2, 3, 6], gamma = 1, beta = 0, eps = 1e-5, upstream [1, 0, 0, 0]:
/// mean 3, var 3.5, x̂ ≈ [−1.069, −0.535, 0, 1.604] = y; dx ≈ [0.248, −0.210, −0.134, 0.095];
/// dgamma ≈ [−1.069, 0, 0, 0]; dbeta = [1, 0, 0, 0].
public func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, upstream: Tensor) throws
    -> (y: Tensor, dx: Tensor, dgamma: Tensor, dbeta: Tensor) {
    let c = x.lastDim, rows = x.count / c
    let y = Tensor(zeros: x.shape), dx = Tensor(zeros: x.shape)
    let dgamma = Tensor(zeros: [c]), dbeta = Tensor(zeros: [c])
    var xhat = [Float](repeating: 0, count: c), g = [Float](repeating: 0, count: c)
    for r in 0..<rows {
        let row = r * c
        // Forward: the row's mean and biased variance, then x̂ (kept for backward).
        var mean: Float = 0, variance: Float = 0
        for j in 0..<c { mean += x[row + j] }
        mean /= Float(c)
        for j in 0..<c { variance += (x[row + j] - mean) * (x[row + j] - mean) }
        variance /= Float(c)
        let rstd = 1 / (variance + eps).squareRoot()
        for j in 0..<c {
            xhat[j] = (x[row + j] - mean) * rstd
            y[row + j] = xhat[j] * gamma[j] + beta[j]
        }
        // Backward. gamma and beta are shared by all rows: their gradients sum over the rows.
        // g = dL/dx̂; the mean and the variance depend on every x of the row, which gives dx
        // its two mean terms: dx = (g − mean(g) − x̂ · mean(g · x̂)) / √(var + eps).
        var meanG: Float = 0, meanGX: Float = 0
        for j in 0..<c {
            dgamma[j] += upstream[row + j] * xhat[j]
            dbeta[j] += upstream[row + j]
            g[j] = upstream[row + j] * gamma[j]
            meanG += g[j]
            meanGX += g[j] * xhat[j]
        }
        meanG /= Float(c)
        meanGX /= Float(c)
        for j in 0..<c { dx[row + j] = rstd * (g[j] - meanG - xhat[j] * meanGX) }
    }
    return (y, dx, dgamma, dbeta)
}
