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
    /// pre, out [rows, cols]; bias [cols]. Eight lanes at a time (`SIMD8`), the same formula as
    /// `forward`; elementwise, so any split over cores gives the same bits.
    public static func biasForward(_ pre: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                                   out: UnsafeMutablePointer<Float>, rows: Int, cols n: Int) {
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: n, elements: elementsGrain)) { range in
            for r in range {
                let p = pre + r * n, o = out + r * n
                var j = 0
                while j + 8 <= n {
                    let x = VectorMath.load(p + j) + VectorMath.load(bias + j)
                    VectorMath.store(x, p + j)
                    let c: Float = 0.044715
                    let cubic: SIMD8<Float> = c * x * x * x
                    let half: SIMD8<Float> = 0.5 * x
                    VectorMath.store(half * (1 + fastTanh(k * (x + cubic))), o + j)
                    j += 8
                }
                while j < n {
                    let x = p[j] + bias[j]
                    p[j] = x
                    o[j] = 0.5 * x * (1 + fastTanh(k * (x + 0.044715 * x * x * x)))
                    j += 1
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
        // Column ranges start on multiples of 8, so every row's part is whole SIMD8 vectors
        // but for the last range's tail.
        let groups = (n + 7) / 8
        Parallel.forRanges(groups, grain: Swift.max(2, elementsGrain / 8 / Swift.max(rows, 1))) { range in
            let lo = range.lowerBound * 8, hi = Swift.min(n, range.upperBound * 8)
            for r in 0..<rows {
                let p = pre + r * n, g = dy + r * n, d = dpre + r * n
                var j = lo
                while j + 8 <= hi {
                    let x = VectorMath.load(p + j)
                    let v = VectorMath.load(g + j) * derivative(x)
                    VectorMath.store(v, d + j)
                    if let dbias { VectorMath.store(VectorMath.load(dbias + j) + v, dbias + j) }
                    j += 8
                }
                while j < hi {
                    let x = p[j], th = fastTanh(k * (x + 0.044715 * x * x * x))
                    let v = g[j] * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * (k * (1 + 3 * 0.044715 * x * x)))
                    d[j] = v
                    dbias?[j] += v
                    j += 1
                }
            }
        }
    }

    /// √(2/π), GELU's inner scale.
    @inline(__always) static var k: Float { 0.7978845608028654 }

    /// d gelu(x) / dx on eight lanes: 0.5 (1 + th) + 0.5 x (1 − th²) √(2/π) (1 + 3 · 0.044715 x²).
    @inline(__always)
    static func derivative(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // The scalar formula's operations in the same order (so the same bits lane by lane).
        let c: Float = 0.044715, c3: Float = 3 * 0.044715
        let cubic: SIMD8<Float> = c * x * x * x
        let th: SIMD8<Float> = fastTanh(k * (x + cubic))
        let quad: SIMD8<Float> = c3 * x * x
        let slope: SIMD8<Float> = k * (1 + quad)
        let outer: SIMD8<Float> = 0.5 * (1 + th)
        let half: SIMD8<Float> = 0.5 * x
        return outer + half * (1 - th * th) * slope
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
