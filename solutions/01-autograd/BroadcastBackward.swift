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
    let da = Tensor(zeros: a.shape), db = Tensor(zeros: b.shape)
    let shape = upstream.shape
    var index = [Int](repeating: 0, count: shape.count)   // the position in out, an odometer
    for i in 0..<upstream.count {
        // The elements of a and b that met at this position of out.
        let ia = sourceIndex(index, in: a.shape), ib = sourceIndex(index, in: b.shape)
        let g = upstream[i], x = a[ia], y = b[ib]
        // Each use adds g times the local derivative, so the uses of one element sum up.
        switch op {
        case .add: da[ia] += g; db[ib] += g
        case .sub: da[ia] += g; db[ib] -= g
        case .mul: da[ia] += g * y; db[ib] += g * x
        case .div: da[ia] += g / y; db[ib] -= g * (x / y) / y   // d(x/y)/dy = −(x/y)/y
        }
        var d = shape.count - 1   // next position: the last axis moves fastest
        while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
    }
    return (da, db)
}

/// The flat index, in an operand of `shape`, of the element broadcast to the position `index`
/// of out: the shapes align on the right, and an axis of size 1 always reads element 0.
private func sourceIndex(_ index: [Int], in shape: [Int]) -> Int {
    let offset = index.count - shape.count
    var flat = 0
    for d in 0..<shape.count { flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d + offset]) }
    return flat
}
