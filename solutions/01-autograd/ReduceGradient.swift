import Core

/// Exercise 1.2 — The gradient of broadcasting.
///
/// When `a` of shape `shape` was broadcast to the shape of `grad` (NumPy rules: shapes
/// aligned on the right, size-1 axes stretched, missing leading axes added), each element of
/// `a` was used many times, so its gradient is the SUM of the gradients of all its copies.
/// Return that sum as a tensor of shape `shape`.
/// Example: grad [2, 3] reduced to [3] sums the rows; to [2, 1] sums each row.
public func reduceBroadcastGradient(_ grad: Tensor, to shape: [Int]) throws -> Tensor {
    let out = Tensor(zeros: shape)
    let rank = grad.rank, offset = rank - shape.count
    var index = [Int](repeating: 0, count: rank)
    for i in 0..<grad.count {
        // The source element: drop leading axes, clamp stretched (size-1) axes to 0.
        var flat = 0
        for d in 0..<shape.count {
            flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d + offset])
        }
        out[flat] += grad[i]
        var d = rank - 1
        while d >= 0 { index[d] += 1; if index[d] < grad.shape[d] { break }; index[d] = 0; d -= 1 }
    }
    return out
}
