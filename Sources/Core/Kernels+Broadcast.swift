/// Broadcasting, NumPy rules: shapes are aligned on the right; a dimension of 1 stretches.
public enum Broadcast {
    /// The broadcast result shape, or nil when the shapes are incompatible.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Element strides of `shape` seen through the broadcast `outShape` (0 on stretched dims).
    public static func strides(of shape: [Int], in outShape: [Int]) -> [Int] {
        let n = outShape.count
        var strides = [Int](repeating: 0, count: n)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let o = i + (n - shape.count)
            strides[o] = shape[i] == 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// Calls `body(offsetA, offsetB, outIndex, innerCount, innerStrideA, innerStrideB)` for each
    /// run of the innermost dimension, so kernels keep a tight inner loop.
    @inline(__always)
    public static func forEachRun(_ outShape: [Int], _ sa: [Int], _ sb: [Int],
                                  _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let n = outShape.count
        if n == 0 { body(0, 0, 0, 1, 0, 0); return }
        let inner = outShape[n - 1]
        let outer = inner == 0 ? 0 : outShape.reduce(1, *) / inner
        var idx = [Int](repeating: 0, count: n)
        var oa = 0, ob = 0
        for r in 0..<outer {
            body(oa, ob, r * inner, inner, sa[n - 1], sb[n - 1])
            // advance the multi-index over dims 0..<n-1
            var d = n - 2
            while d >= 0 {
                idx[d] += 1
                oa += sa[d]; ob += sb[d]
                if idx[d] < outShape[d] { break }
                oa -= sa[d] * outShape[d]; ob -= sb[d] * outShape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }
}

public enum BinaryOp { case add, sub, mul, div }

extension Tensor {
    /// Elementwise `a op b` with broadcasting. Fast paths for equal shapes and for a `b` that
    /// repeats along leading axes (bias [C] onto [B,T,C]).
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let outShape = Broadcast.shape(a.shape, b.shape) else {
            preconditionFailure("\(op): incompatible shapes \(a.shape) and \(b.shape)")
        }
        let out = Tensor(uninitialized: outShape)
        let o = out.data, pa = a.data, pb = b.data
        @inline(__always) func run(_ i: Int, _ x: Float, _ y: Float) {
            switch op {
            case .add: o[i] = x + y
            case .sub: o[i] = x - y
            case .mul: o[i] = x * y
            case .div: o[i] = x / y
            }
        }
        if a.shape == b.shape {
            Parallel.forRanges(out.count, grain: 65536) { r in
                switch op {
                case .add: for i in r { o[i] = pa[i] + pb[i] }
                case .sub: for i in r { o[i] = pa[i] - pb[i] }
                case .mul: for i in r { o[i] = pa[i] * pb[i] }
                case .div: for i in r { o[i] = pa[i] / pb[i] }
                }
            }
            return out
        }
        if a.shape == outShape, b.count > 0, out.count % b.count == 0,
           Array(outShape.suffix(b.shape.count)) == b.shape {
            let m = b.count
            var base = 0
            while base < out.count {
                switch op {
                case .add: for j in 0..<m { o[base + j] = pa[base + j] + pb[j] }
                case .sub: for j in 0..<m { o[base + j] = pa[base + j] - pb[j] }
                case .mul: for j in 0..<m { o[base + j] = pa[base + j] * pb[j] }
                case .div: for j in 0..<m { o[base + j] = pa[base + j] / pb[j] }
                }
                base += m
            }
            return out
        }
        let sa = Broadcast.strides(of: a.shape, in: outShape)
        let sb = Broadcast.strides(of: b.shape, in: outShape)
        Broadcast.forEachRun(outShape, sa, sb) { oa, ob, oo, n, ia, ib in
            for j in 0..<n { run(oo + j, pa[oa + j * ia], pb[ob + j * ib]) }
        }
        return out
    }

    /// Sums a broadcast result back down to `shape` (the gradient of broadcasting).
    public func reduced(to shape: [Int]) -> Tensor {
        KitAnswer.used("Tensor.reduced(to:)", answers: "1.2")
        if self.shape == shape { return self }
        let out = Tensor(zeros: shape)
        let o = out.data, g = data
        let trimmed = Array(shape.drop(while: { $0 == 1 }))
        if out.count > 0, Array(self.shape.suffix(trimmed.count)) == trimmed {
            // Trailing-suffix case: sum rows of length out.count.
            let m = out.count
            var base = 0
            while base < count {
                for j in 0..<m { o[j] += g[base + j] }
                base += m
            }
            return out
        }
        let so = Broadcast.strides(of: shape, in: self.shape)
        let zeros = [Int](repeating: 0, count: self.shape.count)
        Broadcast.forEachRun(self.shape, so, zeros) { oo, _, og, n, io, _ in
            for j in 0..<n { o[oo + j * io] += g[og + j] }
        }
        return out
    }
}
