import Core

/// Exercise 4.1 — The LoRA forward pass.
///
/// A GPT-2 linear layer ("Conv1D") computes y = x W + b with W stored [in, out]. LoRA adds a
/// low-rank update made of A [r, in] and B [out, r] (PEFT's shapes), scaled by s:
///
///   y[n, j] = b[j] + Σ_i x[n, i] · W[i, j] + s · Σ_k B[j, k] · (Σ_i A[k, i] · x[n, i])
///
/// Shapes: x [N, in], weight [in, out], bias [out], a [r, in], b [out, r] → y [N, out].
/// Compute the low-rank part as written, in two thin steps: h = A x (r values per row),
/// then B h. Never form the in × out matrix B A: that is the point of LoRA.
/// Plain loops are fine (x[n * in + i] is element (n, i)).
public func loraForward(x: Tensor, weight: Tensor, bias: Tensor, a: Tensor, b: Tensor, scaling: Float) throws -> Tensor {
    // Write your code here, then run `swift run course check 4`.
    throw Todo("4.1")
}
