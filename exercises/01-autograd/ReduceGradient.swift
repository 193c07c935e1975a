import Core

/// Exercise 1.2 — The gradient of broadcasting.
///
/// When `a` of shape `shape` was broadcast to the shape of `grad` (NumPy rules: shapes
/// aligned on the right, size-1 axes stretched, missing leading axes added), each element of
/// `a` was used many times, so its gradient is the SUM of the gradients of all its copies.
/// Return that sum as a tensor of shape `shape`.
/// Example: grad [2, 3] reduced to [3] sums the rows; to [2, 1] sums each row.
public func reduceBroadcastGradient(_ grad: Tensor, to shape: [Int]) throws -> Tensor {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.2")
}
