import Core

/// Exercise 4.4 — DoRA: magnitude and direction.
///
/// DoRA splits the adapted weight W' = W + s · (B A)ᵀ (Conv1D layout [in, out], as in 4.3)
/// into a direction and a length per output feature j:
///
///   norm[j] = √(Σ_i W'[i, j]²)                       the length of column j
///   y[n, j] = m[j] / norm[j] · Σ_i x[n, i] · W'[i, j] + bias[j]
///
/// m [out] is trainable and starts at the column lengths of W, so DoRA starts equal to the
/// base layer. Shapes: x [N, in], weight [in, out], bias [out], a [r, in], b [out, r],
/// magnitude [out] → y [N, out].
public func doraForward(x: Tensor, weight: Tensor, bias: Tensor, a: Tensor, b: Tensor,
                        magnitude: Tensor, scaling: Float) throws -> Tensor {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.4")
}
