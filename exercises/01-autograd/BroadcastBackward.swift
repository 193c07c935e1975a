import Core

/// Exercise 1.2 — The backward of a broadcasting element-wise operation.
///
/// `out = a op b` (op: add, sub, mul, div) with broadcasting, NumPy rules: the shapes are
/// aligned on the right, an axis of size 1 is stretched, a missing leading axis is added; `out`
/// has the shape of `upstream`. `upstream` is dL/d(out) for some loss L. Return dL/da (shape of
/// `a`) and dL/db (shape of `b`). An element of an operand broadcast to several positions of
/// `out` was used at each of them, so its gradient is the SUM over those positions of the
/// upstream gradient times the local derivative of `a op b` with respect to it.
///
/// Example: a [2, 1] = [[2], [3]] times b [1, 3] = [[1, 10, 100]] is [2, 3]; with upstream
/// [[1, 2, 3], [4, 5, 6]], da = [[321], [654]] (321 = 1·1 + 2·10 + 3·100) and
/// db = [[14, 19, 24]] (14 = 1·2 + 4·3). For a bias, x [2, 3] + b [3] with the same upstream:
/// dx = upstream, db = [5, 7, 9].
public func broadcastBackward(_ op: BinaryOp, a: Tensor, b: Tensor, upstream: Tensor) throws -> (da: Tensor, db: Tensor) {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.2")
}
