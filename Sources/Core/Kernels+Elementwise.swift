import Foundation

/// In-place and unary elementwise kernels: tight loops over raw pointers.
extension Tensor {
    /// self += other (same element count): gradient accumulation.
    public func add(_ other: Tensor) {
        precondition(count == other.count, "add: incompatible shapes \(shape) and \(other.shape)")
        let p = data, q = other.data
        for i in 0..<count { p[i] += q[i] }
    }

    /// self += alpha * other (same element count).
    public func add(_ other: Tensor, scaled alpha: Float) {
        precondition(count == other.count, "add(scaled:): incompatible shapes \(shape) and \(other.shape)")
        let p = data, q = other.data
        for i in 0..<count { p[i] += alpha * q[i] }
    }

    public func scale(by s: Float) {
        let p = data
        for i in 0..<count { p[i] *= s }
    }

    /// A new tensor with f applied to every element.
    public func map(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let o = out.data, p = data
        for i in 0..<count { o[i] = f(p[i]) }
        return out
    }

    public func sum() -> Float {
        var s: Double = 0
        let p = data
        for i in 0..<count { s += Double(p[i]) }
        return Float(s)
    }

    public func sumOfSquares() -> Double {
        var s: Double = 0
        let p = data
        for i in 0..<count { s += Double(p[i]) * Double(p[i]) }
        return s
    }

    public var isFinite: Bool {
        let p = data
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }

    public func maxAbs() -> Float {
        var m: Float = 0
        let p = data
        for i in 0..<count { m = Swift.max(m, abs(p[i])) }
        return m
    }

    /// Sum over one axis: [.., n, ..] -> [.., 1, ..] kept (keepdim) or dropped.
    public func sum(axis: Int, keepDim: Bool = false) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank, "sum(axis: \(axis)): tensor of shape \(shape) has no such axis")
        let outer = shape[..<ax].reduce(1, *), n = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        var outShape = shape
        if keepDim { outShape[ax] = 1 } else { outShape.remove(at: ax) }
        let out = Tensor(zeros: outShape)
        let o = out.data, p = data
        for a in 0..<outer {
            for j in 0..<n {
                let src = p + (a * n + j) * inner, dst = o + a * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
        }
        return out
    }

    /// Moves axes: out.shape[i] = shape[perm[i]]. Used to split attention heads
    /// ([B,T,H,D] -> [B,H,T,D]); the innermost axis is copied as a run when it stays last.
    public func permuted(_ perm: [Int]) -> Tensor {
        precondition(perm.sorted() == Array(0..<rank), "permute: \(perm) is not a permutation of the \(rank) axes of \(shape)")
        if perm == Array(0..<rank) { return copy() }
        let outShape = perm.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let srcStrides = perm.map { inStrides[$0] }  // stride in the input for each output axis
        let out = Tensor(uninitialized: outShape)
        let o = out.data, p = data
        let zeros = [Int](repeating: 0, count: rank)
        Broadcast.forEachRun(outShape, srcStrides, zeros) { src, _, dst, n, s, _ in
            if s == 1 { (o + dst).update(from: p + src, count: n) } else { for j in 0..<n { o[dst + j] = p[src + j * s] } }
        }
        return out
    }

    /// Swaps the last two axes ([.., M, N] -> [.., N, M]).
    public func transposedLast() -> Tensor {
        precondition(rank >= 2, "transpose: needs rank >= 2, got shape \(shape)")
        var perm = Array(0..<rank)
        perm.swapAt(rank - 1, rank - 2)
        return permuted(perm)
    }

    /// A copy of `length` entries starting at `start` along `axis`.
    public func slice(axis: Int, start: Int, length: Int) -> Tensor {
        let ax = axis < 0 ? axis + rank : axis
        precondition(ax >= 0 && ax < rank && start >= 0 && length >= 0 && start + length <= shape[ax],
                     "slice(axis: \(axis), start: \(start), length: \(length)) out of range for shape \(shape)")
        let outer = shape[..<ax].reduce(1, *), n = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        var outShape = shape
        outShape[ax] = length
        let out = Tensor(uninitialized: outShape)
        for a in 0..<outer {
            (out.data + a * length * inner).update(from: data + (a * n + start) * inner, count: length * inner)
        }
        return out
    }

    /// Adds `part` into the `start..<start+part.shape[axis]` window of self along `axis`
    /// (the gradient of `slice`, and the body of `concat`).
    public func addSlice(_ part: Tensor, axis: Int, start: Int) {
        let ax = axis < 0 ? axis + rank : axis
        let outer = shape[..<ax].reduce(1, *), n = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        let len = part.shape[ax]
        precondition(part.count == outer * len * inner && start + len <= n,
                     "addSlice: shape \(part.shape) does not fit into \(shape) at \(start) along axis \(axis)")
        for a in 0..<outer {
            let dst = data + (a * n + start) * inner, src = part.data + a * len * inner
            for i in 0..<(len * inner) { dst[i] += src[i] }
        }
    }

    /// Concatenation along an axis.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let r = parts[0].rank
        let ax = axis < 0 ? axis + r : axis
        var outShape = parts[0].shape
        outShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
        for p in parts {
            var s = p.shape; s[ax] = outShape[ax]
            precondition(s == outShape, "concat: incompatible shapes \(parts[0].shape) and \(p.shape) along axis \(axis)")
        }
        let out = Tensor(uninitialized: outShape)
        let outer = outShape[..<ax].reduce(1, *), inner = outShape[(ax + 1)...].reduce(1, *), n = outShape[ax]
        var start = 0
        for p in parts {
            let len = p.shape[ax]
            for a in 0..<outer {
                (out.data + (a * n + start) * inner).update(from: p.data + a * len * inner, count: len * inner)
            }
            start += len
        }
        return out
    }
}
