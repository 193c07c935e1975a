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
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.3")
}
