import Foundation

/// Row-wise softmax family over the last axis, numerically stable (subtract the row max).
/// Every row is computed on its own by one thread, so results are bit-identical whatever the
/// number of cores.
public enum Softmax {
    /// A loop is split over the cores only when each part gets at least this many elements
    /// (32 KB of Float32). A softmax row costs an `expf` per element, about 6 ns on the course's
    /// 2-core machines, so such a part is some 50 µs of work, far more than the microsecond or so
    /// it takes to hand it to another thread; smaller loops (one generated token's scores) stay on
    /// the calling thread. Rows never straddle parts, so the split never changes the bits.
    public static let rowsGrainElements = 8192

    // MARK: book log-sum-exp
    /// log Σⱼ exp(row[j]) over `count` entries, as m + log Σⱼ exp(row[j] − m) with m the row's
    /// maximum, so no exponent overflows. Shared by log-softmax here and by cross-entropy and
    /// sequence log-probabilities (through `CrossEntropy.logSumExpRows`), so all three compute
    /// it with the same arithmetic.
    @inline(__always)
    public static func logSumExp(_ row: UnsafePointer<Float>, count: Int) -> Float {
        let m = VectorMath.max(row, count: count)
        return m + logf(VectorMath.expSum(row, count: count, minus: m))
    }
    // MARK: end

    /// out[r, :] = softmax(x[r, :]); rows x cols. `out` may alias `x`.
    /// Masked entries (−inf, from the causal mask) are skipped: their weight is exactly 0.
    public static func rows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
            for r in range {
                let xi = x + r * cols, oi = out + r * cols
                var m = -Float.infinity
                for j in 0..<cols { m = max(m, xi[j]) }
                var s: Float = 0
                for j in 0..<cols {
                    let e = xi[j] == -.infinity ? 0 : expf(xi[j] - m)
                    oi[j] = e; s += e
                }
                let inv = 1 / s
                for j in 0..<cols { oi[j] *= inv }
            }
        }
    }

    /// out[r, :] = log_softmax(x[r, :]).
    public static func logRows(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in for r in range {
            let xi = x + r * cols, oi = out + r * cols
            let lse = logSumExp(xi, count: cols)
            for j in 0..<cols { oi[j] = xi[j] - lse }
        } }
    }

    /// Backward of softmax: dx = y * (dy - sum(dy * y)), row-wise. Accumulates into dx.
    public static func backwardRows(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
            for r in range {
                let yi = y + r * cols, gi = dy + r * cols, di = dx + r * cols
                var dot: Float = 0
                for j in 0..<cols { dot += yi[j] * gi[j] }
                for j in 0..<cols { di[j] += yi[j] * (gi[j] - dot) }
            }
        }
    }

    /// Backward of log-softmax: dx = dy - softmax(x) * sum(dy), with y = log_softmax(x).
    public static func logBackwardRows(y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                       dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
            for r in range {
                let yi = y + r * cols, gi = dy + r * cols, di = dx + r * cols
                var s: Float = 0
                for j in 0..<cols { s += gi[j] }
                for j in 0..<cols { di[j] += gi[j] - expf(yi[j]) * s }
            }
        }
    }
}

extension Tensor {
    public func softmax() -> Tensor {
        let out = Tensor(uninitialized: shape)
        Softmax.rows(data, out.data, rows: rows, cols: lastDim)
        return out
    }

    public func logSoftmax() -> Tensor {
        let out = Tensor(uninitialized: shape)
        Softmax.logRows(data, out.data, rows: rows, cols: lastDim)
        return out
    }
}

/// tanh as a branch-free rational function (the approximation Eigen uses for Float), so the
/// loops that call it vectorise. libm's `tanhf` goes through `expm1f` and cost 20% of a
/// training step. Absolute error below 5e-7, a few Float32 ulps (tested against Foundation).
@inlinable @inline(__always)
public func fastTanh(_ v: Float) -> Float {
    let x = min(max(v, -7.90531110763549805), 7.90531110763549805)
    let x2 = x * x
    var p: Float = -2.76076847742355e-16
    p = p * x2 + 2.00018790482477e-13
    p = p * x2 - 8.60467152213735e-11
    p = p * x2 + 5.12229709037114e-08
    p = p * x2 + 1.48572235717979e-05
    p = p * x2 + 6.37261928875436e-04
    p = p * x2 + 4.89352455891786e-03
    p = p * x
    var q: Float = 1.19825839466702e-06
    q = q * x2 + 1.18534705686654e-04
    q = q * x2 + 2.26843463243900e-03
    q = q * x2 + 4.89352518554385e-03
    return p / q
}

/// e^x as a branch-free polynomial (Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6
/// polynomial for e^r, and 2^n written straight into the exponent bits), so the loops that call
/// it vectorise; libm's `expf` is a call per element, and attention, softmax and cross-entropy
/// call it for every score or logit. Relative error below 1.5 ulp over the range where e^x is a
/// normal Float (tested against Foundation); inputs are clamped to [−87.3, 88.7], so e^(−∞)
/// gives the smallest normal Float (1.2e-38), not 0: callers that mask with −∞ test for it.
@inlinable @inline(__always)
public func fastExp(_ v: Float) -> Float {
    let x = min(max(v, -87.33654), 88.72283)
    // n = round(x / ln 2): adding 1.5·2^23 leaves n in the low bits of t's mantissa.
    let t = x * 1.44269504088896341 + 12582912
    let n = t - 12582912
    let r = x - n * 0.693359375 + n * 2.12194440e-4          // x − n·ln 2, ln 2 split in two parts
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = p * r * r + r + 1
    let twoToN = Float(bitPattern: (t.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    return y * twoToN
}
