import Foundation

/// GELU, tanh form ("gelu_new" in GPT-2), over a flat buffer of n elements (the MLP's hidden
/// activations [B·T, 4C]): the loops behind `Variable.gelu` (Chapter 1), which states the
/// formula. Elementwise, so any split over cores gives the same bits.
public enum GELU {
    /// A loop is split over the cores only when each part gets at least this many elements
    /// (64 KB of Float32). GELU is cheap per element (one branch-free `fastTanh` and a few
    /// multiplies, vectorised), so it takes more of them than a softmax row for a part to
    /// outweigh the microsecond or so of handing it to another thread; the MLP's [B·T, 4C]
    /// activations always split. Elementwise, so the split never changes the bits.
    public static let elementsGrain = 16384

    /// out = 0.5 · x · (1 + th) with th = tanh(√(2/π) · (x + 0.044715 · x³)), saved in `tanh`
    /// for backward. x, out, tanh [n].
    public static func forward(_ x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                               tanh t: UnsafeMutablePointer<Float>, count n: Int) {
        let k: Float = (2 / Float.pi).squareRoot()
        Parallel.forRanges(n, grain: elementsGrain) { range in
            for i in range {
                let xi = x[i]
                let th = fastTanh(k * (xi + 0.044715 * xi * xi * xi))
                t[i] = th
                out[i] = 0.5 * xi * (1 + th)
            }
        }
    }

    /// dx += dy · (0.5 · (1 + th) + 0.5 · x · (1 − th²) · √(2/π) · (1 + 3 · 0.044715 · x²)),
    /// the derivative of the forward formula, from the saved th. x, tanh, dy, dx [n].
    public static func backward(_ x: UnsafePointer<Float>, tanh t: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, count n: Int) {
        let k: Float = (2 / Float.pi).squareRoot()
        Parallel.forRanges(n, grain: elementsGrain) { range in
            for i in range {
                let xi = x[i], th = t[i]
                let dInner = k * (1 + 3 * 0.044715 * xi * xi)
                dx[i] += dy[i] * (0.5 * (1 + th) + 0.5 * xi * (1 - th * th) * dInner)
            }
        }
    }
}

extension GELU {
    /// The bias and GELU that follow the MLP's first product, in one pass over its output:
    /// pre[r, j] += bias[j] (pre becomes x·W + b, kept for backward), out[r, j] = gelu(pre[r, j]).
    /// pre, out [rows, cols]; bias [cols]. Elementwise per row, so any split gives the same bits.
    public static func biasForward(_ pre: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                                   out: UnsafeMutablePointer<Float>, rows: Int, cols n: Int) {
        let k: Float = (2 / Float.pi).squareRoot()
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: n, elements: elementsGrain)) { range in
            for r in range {
                let p = pre + r * n, o = out + r * n
                for j in 0..<n {
                    let xi = p[j] + bias[j]
                    p[j] = xi
                    o[j] = 0.5 * xi * (1 + fastTanh(k * (xi + 0.044715 * xi * xi * xi)))
                }
            }
        }
    }

    /// Backward of `biasForward`, in one pass: dpre = dy · gelu'(pre) (tanh recomputed from pre,
    /// cheaper than storing and reading it back), written into `dpre` (not added), and
    /// dbias[j] += Σ_r dpre[r, j] when dbias is given. Split by columns, each column summed over
    /// the rows in order by one thread, so the bias gradient has the same bits on any number of
    /// cores. pre, dy, dpre [rows, cols]; dbias [cols].
    public static func biasBackward(pre: UnsafePointer<Float>, dy: UnsafePointer<Float>, dpre: UnsafeMutablePointer<Float>,
                                    dbias: UnsafeMutablePointer<Float>?, rows: Int, cols n: Int) {
        let k: Float = (2 / Float.pi).squareRoot()
        Parallel.forRanges(n, grain: Swift.max(16, elementsGrain / Swift.max(rows, 1))) { cols in
            for r in 0..<rows {
                let p = pre + r * n, g = dy + r * n, d = dpre + r * n
                for j in cols {
                    let xi = p[j], th = fastTanh(k * (xi + 0.044715 * xi * xi * xi))
                    d[j] = g[j] * (0.5 * (1 + th) + 0.5 * xi * (1 - th * th) * (k * (1 + 3 * 0.044715 * xi * xi)))
                }
                if let dbias { for j in cols { dbias[j] += d[j] } }
            }
        }
    }
}

/// Inverted dropout's mask, behind `Variable.dropout` (Chapter 1).
public enum Dropout {
    /// A tensor of `shape` whose entries are 0 with probability p and 1/(1 − p) otherwise, so
    /// x · mask keeps the expected value of x. One `uniform()` draw per element, in order: the
    /// same generator state gives the same mask.
    public static func mask(_ shape: [Int], p: Float, rng: inout SeededRandom) -> Tensor {
        let mask = Tensor(zeros: shape)
        let keep = 1 / (1 - p)
        for i in 0..<mask.count { mask.data[i] = rng.uniform() < p ? 0 : keep }
        return mask
    }
}
