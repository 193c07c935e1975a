import Core

/// Exercise 4.2 — Gradients of A and B.
///
/// For the adapter's output u = s · B (A x) (one row: x [in], h = A x [r], u = s · B h [out])
/// and the gradient g = dL/du [out] arriving from above, the chain rule gives
///
///   dL/dB[j, k] = s · Σ_n g[n, j] · h[n, k]              (dB = s · gᵀ h,   [out, r])
///   dL/dA[k, i] = s · Σ_n (Σ_j g[n, j] · B[j, k]) · x[n, i]   (dA = s · (g B)ᵀ x, [r, in])
///
/// summed over the N rows of the batch. Shapes: x [N, in], a [r, in], b [out, r],
/// outputGradient [N, out]. Return (dA [r, in], dB [out, r]).
/// Note: with B = 0 (LoRA's init) dA is zero but dB is not, so training can start.
public func loraGradients(x: Tensor, a: Tensor, b: Tensor, scaling: Float, outputGradient g: Tensor) throws -> (a: Tensor, b: Tensor) {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.2")
}
