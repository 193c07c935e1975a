import Core

/// Exercise 4.3 — Merging an adapter into the weight.
///
/// After training, the update can be added into the frozen weight once, so inference costs
/// nothing extra:  W' = W + s · ΔW.  Careful with the layout: PEFT's B A is [out, in] (a
/// PyTorch Linear weight), while a GPT-2 Conv1D weight is [in, out], so
///
///   W'[i, j] = W[i, j] + s · Σ_k B[j, k] · A[k, i]          (the transpose of B A)
///
/// Shapes: weight [in, out], a [r, in], b [out, r] → [in, out]. Return a new tensor; leave
/// `weight` unchanged. (Unmerging subtracts the same update again.)
public func mergeLoRA(weight: Tensor, a: Tensor, b: Tensor, scaling: Float) throws -> Tensor {
    let (inF, outF, r) = (weight.shape[0], weight.shape[1], a.shape[0])
    let merged = weight.copy()
    for i in 0..<inF {
        for j in 0..<outF {
            var acc: Float = 0
            for k in 0..<r { acc += b[j * r + k] * a[k * inF + i] }
            merged[i * outF + j] += scaling * acc
        }
    }
    return merged
}
