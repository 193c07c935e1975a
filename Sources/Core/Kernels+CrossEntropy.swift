import Foundation

/// Row-wise kernels of the cross-entropy family: logits x [rows, V] (one row per position,
/// V = vocabulary) against one integer target per row. The formulas, and why they are fused
/// this way, are stated by the autograd operations that call these: `Variable.crossEntropy`
/// (Chapter 1) and `Variable.tokenLogProbs` (Chapter 8). Both share `logSumExpRows`, so a
/// language-model loss and a sequence log-probability are computed with the same arithmetic.
///
/// Every row is computed on its own by one thread, so the result is bit-identical whatever the
/// number of cores.
public enum CrossEntropy {
    /// The target that means "no loss at this position", as PyTorch's `ignore_index` default:
    /// prompt tokens and padding in SFT, DPO and the reward model. It is never a token id.
    public static let ignoreIndex = -100

    /// A loop is split over the cores only when each part gets at least this many logits
    /// (64 KB of Float32; 8 rows at V = 2048). Every logit costs an `expf`, about 6 ns on the
    /// course's 2-core machines, so a part is some 0.1 ms of work against the microsecond or so
    /// it takes to hand it to another thread; a training batch of [B·T, V] logits always splits,
    /// the handful of rows of one evaluation prompt may not. Rows never straddle parts, so the
    /// split never changes the bits.
    public static let rowsGrainElements = 16384

    /// lse[r] = log Σⱼ exp(x[r, j]) for every row r whose target is not `ignoreIndex`
    /// (computed by `Softmax.logSumExp`, the max-subtracted form); entries of ignored rows are
    /// left as they are. x [rows, cols], targets [rows], lse [rows].
    public static func logSumExpRows(_ x: UnsafePointer<Float>, targets: [Int], ignoreIndex: Int,
                                     lse: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        precondition(targets.count == rows, "logSumExpRows: \(targets.count) targets for \(rows) rows")
        targets.withUnsafeBufferPointer { tg in
            Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
                for r in range where tg[r] != ignoreIndex {
                    lse[r] = Softmax.logSumExp(x + r * cols, count: cols)
                }
            }
        }
    }

    /// Gradient of a scaled sum of cross-entropies: dx[r, :] += k · (softmax(x[r, :]) − onehot(t_r))
    /// for every counted row, with softmax(x[r])ⱼ = exp(x[r, j] − lse[r]) recomputed from the
    /// saved log-sum-exp (so no [rows, V] probability tensor is kept). Accumulates into
    /// dx [rows, cols], ignored rows untouched; or, with `accumulate: false`, writes every row
    /// (ignored rows 0), so a fresh gradient buffer need not be zeroed first: one pass over the
    /// [rows, V] logits' gradient instead of two.
    public static func backwardRows(_ x: UnsafePointer<Float>, lse: UnsafePointer<Float>, targets: [Int], ignoreIndex: Int,
                                    scale k: Float, dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                                    accumulate: Bool = true) {
        precondition(targets.count == rows, "CrossEntropy.backwardRows: \(targets.count) targets for \(rows) rows")
        targets.withUnsafeBufferPointer { tg in
            Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
                for r in range {
                    let d = dx + r * cols
                    guard tg[r] != ignoreIndex else {
                        if !accumulate { d.update(repeating: 0, count: cols) }
                        continue
                    }
                    VectorMath.scaledExp(x + r * cols, count: cols, minus: lse[r], times: k, into: d, accumulate: accumulate)
                    d[tg[r]] -= k
                }
            }
        }
    }

    /// Gradient of per-row log-probabilities y_r = x[r, t_r] − lse[r]:
    /// dx[r, :] += dy[r] · (onehot(t_r) − softmax(x[r, :])). Rows whose target is ignored or
    /// whose dy[r] is 0 are skipped (they add nothing). Accumulates into dx [rows, cols].
    public static func logProbBackwardRows(_ x: UnsafePointer<Float>, lse: UnsafePointer<Float>, targets: [Int], ignoreIndex: Int,
                                           dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        KitAnswer.used("CrossEntropy.logProbBackwardRows", answers: "8.1")
        precondition(targets.count == rows, "CrossEntropy.logProbBackwardRows: \(targets.count) targets for \(rows) rows")
        targets.withUnsafeBufferPointer { tg in
            Parallel.forRanges(rows, grain: Parallel.rowGrain(cols: cols, elements: rowsGrainElements)) { range in
                for r in range where tg[r] != ignoreIndex && dy[r] != 0 {
                    VectorMath.scaledExp(x + r * cols, count: cols, minus: lse[r], times: -dy[r], into: dx + r * cols, accumulate: true)
                    dx[r * cols + tg[r]] += dy[r]
                }
            }
        }
    }
}
