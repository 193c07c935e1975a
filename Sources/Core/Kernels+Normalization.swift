import Foundation

/// Layer normalisation over the last axis of x [rows, cols] (cols = model width C): the
/// loops behind `Variable.layerNorm` (Chapter 1), which states the formulas. Every row is
/// normalised by one thread (its sums in eight lanes, `VectorMath`) and the gain/shift
/// gradients are summed in row order, so results are bit-identical whatever the number of cores.
public enum Normalization {
    /// A loop is split over the cores only when each part gets at least this many elements
    /// (32 KB of Float32; 32 rows at C = 256). Each row takes three passes whose sums run in
    /// order, so such a part is tens of microseconds of work, well above the microsecond or so it
    /// takes to hand it to another thread; the [B·T, C] activations of a training step always
    /// split. Rows never straddle parts, so the split never changes the bits.
    public static let rowsGrainElements = 8192

    /// out[r] = x̂[r] · gamma + beta with x̂[r] = (x[r] − mean) · rstd[r], rstd[r] = 1/√(var + eps),
    /// mean and (biased) variance taken over the row in Float. Saves x̂ [rows, cols] and
    /// rstd [rows] for backward. gamma, beta [cols].
    public static func layerNorm(_ x: UnsafePointer<Float>, gamma gm: UnsafePointer<Float>, beta bt: UnsafePointer<Float>,
                                 eps: Float, out: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>,
                                 rstd: UnsafeMutablePointer<Float>, rows: Int, cols c: Int) {
        KitAnswer.used("Normalization.layerNorm", answers: "1.3")
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: c, elements: rowsGrainElements)) { range in
            for r in range {
                let xi = x + r * c, oi = out + r * c, hi = xhat + r * c
                let mean = VectorMath.sum(xi, count: c) / Float(c)
                let variance = VectorMath.sumOfSquares(xi, count: c, minus: mean) / Float(c)
                let rs = 1 / (variance + eps).squareRoot()
                rstd[r] = rs
                for j in 0..<c { let h = (xi[j] - mean) * rs; hi[j] = h; oi[j] = h * gm[j] + bt[j] }
            }
        }
    }

    /// Input gradient, accumulated into dx [rows, cols]: with dx̂ = dy · gamma,
    /// dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), the means taken over the row.
    public static func layerNormBackward(dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                         gamma gm: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, cols c: Int) {
        KitAnswer.used("Normalization.layerNormBackward", answers: "1.3")
        Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: c, elements: rowsGrainElements)) { range in
            for r in range {
                let gi = dy + r * c, hi = xhat + r * c, di = dx + r * c
                let (s1, s2) = VectorMath.gainDots(gi, gm, hi, count: c)   // Σ dx̂, Σ dx̂·x̂
                let m1 = s1 / Float(c), m2 = s2 / Float(c)
                let rs = rstd[r]
                for j in 0..<c { di[j] += rs * (gi[j] * gm[j] - m1 - hi[j] * m2) }
            }
        }
    }

    /// Gain and shift gradients, accumulated: dgamma[j] += Σ_r dy[r, j] · x̂[r, j] and
    /// dbeta[j] += Σ_r dy[r, j], over the rows in order, so the order of the sums is fixed; pass
    /// nil for a parameter that is frozen.
    public static func layerNormParameterGradients(dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>,
                                                   dgamma gg: UnsafeMutablePointer<Float>?, dbeta gb: UnsafeMutablePointer<Float>?,
                                                   rows: Int, cols c: Int) {
        guard gg != nil || gb != nil else { return }
        // Split by columns: each column is still summed over the rows in order by one thread.
        Parallel.forRanges(c, grain: Swift.max(16, rowsGrainElements / Swift.max(rows, 1))) { cols in
            for r in 0..<rows {
                let gi = dy + r * c, hi = xhat + r * c
                if let gg { for j in cols { gg[j] += gi[j] * hi[j] } }
                if let gb { for j in cols { gb[j] += gi[j] } }
            }
        }
    }
}
