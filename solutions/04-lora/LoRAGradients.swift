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
    let (n, inF, r, outF) = (x.shape[0], x.shape[1], a.shape[0], b.shape[0])
    let da = Tensor(zeros: [r, inF]), db = Tensor(zeros: [outF, r])
    var h = [Float](repeating: 0, count: r), gb = [Float](repeating: 0, count: r)
    for row in 0..<n {
        for k in 0..<r {
            var acc: Float = 0
            for i in 0..<inF { acc += a[k * inF + i] * x[row * inF + i] }
            h[k] = acc
            var back: Float = 0
            for j in 0..<outF { back += g[row * outF + j] * b[j * r + k] }
            gb[k] = back
        }
        for j in 0..<outF { for k in 0..<r { db[j * r + k] += scaling * g[row * outF + j] * h[k] } }
        for k in 0..<r { for i in 0..<inF { da[k * inF + i] += scaling * gb[k] * x[row * inF + i] } }
    }
    return (da, db)
}
