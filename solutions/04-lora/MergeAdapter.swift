import Core

/// Exercise 4.3 — Merging an adapter into its layer, LoRA or DoRA.
///
/// After training, the adapter is folded into the frozen weight once, so the merged layer is a
/// plain GPT-2 layer again and inference costs nothing extra. Return the merged weight (a new
/// tensor; leave `weight` unchanged):
///
///   LoRA (magnitude nil):  W' = W + s · ΔW
///   DoRA (magnitude m):    column j of W' = m[j] · (column j of W + s · ΔW) / its length
///
/// The layout is the trap. PEFT's B A is [out, in] (a PyTorch Linear weight), while a GPT-2
/// Conv1D weight is [in, out], so ΔW is (B A)ᵀ here. DoRA's length is per output feature j,
/// over the inputs: PEFT writes it as a norm over dim 1 of its [out, in] weight, which in the
/// Conv1D layout is column j, down the `in` rows. Like PEFT and `LoRALinear.merge`, no epsilon.
///
/// Shapes: weight [in, out], a [r, in], b [out, r], magnitude [out] → [in, out]. Throw a
/// `CourseError` when A, B or m do not fit the weight (an adapter saved for another layer).
///
/// Example: W = I (2 × 2), A = [[0.5, −0.5]], B = [[2], [1]], s = 2 give
/// W' = [[3, 1], [−2, 0]] for LoRA; with m = [1, 1], DoRA's W' = [[0.832, 1], [−0.555, 0]].
/// (Unmerging plain LoRA subtracts the same s · ΔW again; a DoRA merge can only be undone with
/// the lengths it divided by.)
public func mergeAdapter(weight: Tensor, a: Tensor, b: Tensor, scaling: Float, magnitude: Tensor?) throws -> Tensor {
    guard weight.shape.count == 2, a.shape.count == 2 else { throw CourseError("mergeAdapter: weight \(weight.shape) and A \(a.shape) must be matrices") }
    let (inF, outF, r) = (weight.shape[0], weight.shape[1], a.shape[0])
    guard a.shape == [r, inF], b.shape == [outF, r] else {
        throw CourseError("mergeAdapter: A \(a.shape) and B \(b.shape) do not fit a weight [\(inF), \(outF)] (expected [r, \(inF)] and [\(outF), r])")
    }
    if let m = magnitude, m.shape != [outF] { throw CourseError("mergeAdapter: magnitude \(m.shape) for \(outF) outputs") }
    // W + s·(BA)ᵀ: element (i, j) of the Conv1D weight gets s · Σ_k B[j, k] · A[k, i].
    let merged = weight.copy()
    for i in 0..<inF {
        for j in 0..<outF {
            var acc: Float = 0
            for k in 0..<r { acc += b[j * r + k] * a[k * inF + i] }
            merged[i * outF + j] += scaling * acc
        }
    }
    guard let m = magnitude else { return merged }   // plain LoRA: done
    // DoRA: the length of each output's column of W + sΔW, summed down the inputs i...
    var norms = [Float](repeating: 0, count: outF)
    for i in 0..<inF {
        for j in 0..<outF { norms[j] += merged[i * outF + j] * merged[i * outF + j] }
    }
    // ...then each column keeps its direction and takes the trained length m[j].
    for j in 0..<outF {
        let factor = m[j] / norms[j].squareRoot()
        for i in 0..<inF { merged[i * outF + j] *= factor }
    }
    return merged
}
