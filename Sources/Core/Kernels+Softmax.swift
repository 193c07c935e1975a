import Foundation

/// Row-wise softmax family over the last axis, numerically stable (subtract the row max).
public enum Softmax {
    /// out[r, :] = softmax(x[r, :]); rows x cols. `out` may alias `x`.
    public static func rows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let xi = x + r * cols, oi = out + r * cols
            var m = -Float.infinity
            for j in 0..<cols { m = max(m, xi[j]) }
            var s: Float = 0
            for j in 0..<cols { let e = expf(xi[j] - m); oi[j] = e; s += e }
            let inv = 1 / s
            for j in 0..<cols { oi[j] *= inv }
        }
    }

    /// out[r, :] = log_softmax(x[r, :]).
    public static func logRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let xi = x + r * cols, oi = out + r * cols
            var m = -Float.infinity
            for j in 0..<cols { m = max(m, xi[j]) }
            var s: Float = 0
            for j in 0..<cols { s += expf(xi[j] - m) }
            let lse = m + logf(s)
            for j in 0..<cols { oi[j] = xi[j] - lse }
        }
    }

    /// Backward of softmax: dx = y * (dy - sum(dy * y)), row-wise. Accumulates into dx.
    public static func backwardRows(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let yi = y + r * cols, gi = dy + r * cols, di = dx + r * cols
            var dot: Float = 0
            for j in 0..<cols { dot += yi[j] * gi[j] }
            for j in 0..<cols { di[j] += yi[j] * (gi[j] - dot) }
        }
    }

    /// Backward of log-softmax: dx = dy - softmax(x) * sum(dy), with y = log_softmax(x).
    public static func logBackwardRows(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                       dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let yi = y + r * cols, gi = dy + r * cols, di = dx + r * cols
            var s: Float = 0
            for j in 0..<cols { s += gi[j] }
            for j in 0..<cols { di[j] += gi[j] - expf(yi[j]) * s }
        }
    }
}

extension Tensor {
    public func softmax() -> Tensor {
        let out = Tensor(zeros: shape)
        Softmax.rows(data, out.data, rows: rows, cols: lastDim)
        return out
    }

    public func logSoftmax() -> Tensor {
        let out = Tensor(zeros: shape)
        Softmax.logRows(data, out.data, rows: rows, cols: lastDim)
        return out
    }
}
