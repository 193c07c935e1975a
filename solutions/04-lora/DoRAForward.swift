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
    let (n, inF, outF, r) = (x.shape[0], weight.shape[0], weight.shape[1], a.shape[0])
    // W' = W + s (BA)ᵀ and its column norms.
    let w = weight.copy()
    for i in 0..<inF {
        for j in 0..<outF {
            var acc: Float = 0
            for k in 0..<r { acc += b[j * r + k] * a[k * inF + i] }
            w[i * outF + j] += scaling * acc
        }
    }
    var norm = [Float](repeating: 0, count: outF)
    for i in 0..<inF { for j in 0..<outF { norm[j] += w[i * outF + j] * w[i * outF + j] } }
    for j in 0..<outF { norm[j] = norm[j].squareRoot() }
    let y = Tensor(zeros: [n, outF])
    for row in 0..<n {
        for j in 0..<outF {
            var acc: Float = 0
            for i in 0..<inF { acc += x[row * inF + i] * w[i * outF + j] }
            y[row * outF + j] = magnitude[j] / norm[j] * acc + bias[j]
        }
    }
    return y
}
