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
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.3")
}
