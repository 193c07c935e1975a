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
    let (n, inF, outF, r) = (x.shape[0], weight.shape[0], weight.shape[1], a.shape[0])
    let y = Tensor(zeros: [n, outF])
    var h = [Float](repeating: 0, count: r)
    for row in 0..<n {
        // The frozen path: x W + b.
        for j in 0..<outF {
            var acc = bias[j]
            for i in 0..<inF { acc += x[row * inF + i] * weight[i * outF + j] }
            y[row * outF + j] = acc
        }
        // The adapter: h = A x, then s · B h.
        for k in 0..<r {
            var acc: Float = 0
            for i in 0..<inF { acc += a[k * inF + i] * x[row * inF + i] }
            h[k] = acc
        }
        for j in 0..<outF {
            var acc: Float = 0
            for k in 0..<r { acc += b[j * r + k] * h[k] }
            y[row * outF + j] += scaling * acc
        }
    }
    return y
}
