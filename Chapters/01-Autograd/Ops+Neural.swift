import Core
import Foundation

// The neural-network operations a GPT needs, each fused into one pass where that saves
// memory traffic: softmax, log-softmax, cross-entropy, layer norm, GELU, dropout.

extension Variable {
    /// Softmax over the last axis. Backward: dx = y * (dy - sum(dy * y)).
    public func softmax() -> Variable {
        let y = value.softmax()
        return Variable(y, parents: [self], name: "softmax") { [self] g in
            let (dx, _) = self.gradBuffer()
            Softmax.backwardRows(y: y.data, dy: g.data, dx: dx.data, rows: y.rows, cols: y.lastDim)
        }
    }

    /// Log-softmax over the last axis. Backward: dx = dy - softmax(x) * sum(dy).
    public func logSoftmax() -> Variable {
        let y = value.logSoftmax()
        return Variable(y, parents: [self], name: "log_softmax") { [self] g in
            let (dx, _) = self.gradBuffer()
            Softmax.logBackwardRows(y: y.data, dy: g.data, dx: dx.data, rows: y.rows, cols: y.lastDim)
        }
    }

    // MARK: book cross-entropy
    /// Mean cross-entropy of logits [N, V] (or [..., V]) against integer targets, skipping
    /// positions whose target is `ignoreIndex` (-100, as in PyTorch: prompt tokens in SFT).
    /// Fused: one pass computes log-sum-exp per row; the gradient is softmax - onehot, scaled
    /// by 1/count, and is computed in backward from the saved logits.
    public func crossEntropy(targets: [Int], ignoreIndex: Int = -100) -> Variable {
        let v = value.lastDim, rows = value.rows
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(shape)")
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && t < v, "crossEntropy: target \(t) out of range 0..<\(v)")
        }
        let x = value.data
        let lse = Tensor(zeros: [rows])      // log-sum-exp of each row
        targets.withUnsafeBufferPointer { tg in
            Parallel.forRanges(rows, grain: max(1, 16384 / max(v, 1))) { range in
                for r in range where tg[r] != ignoreIndex {
                    let row = x + r * v
                    var m = -Float.infinity
                    for j in 0..<v { m = max(m, row[j]) }
                    var s: Float = 0
                    for j in 0..<v { s += expf(row[j] - m) }
                    lse.data[r] = m + logf(s)
                }
            }
        }
        var total: Double = 0
        var counted = 0
        for r in 0..<rows where targets[r] != ignoreIndex {
            total += Double(lse.data[r] - x[r * v + targets[r]])
            counted += 1
        }
        let scale = counted == 0 ? 0 : 1 / Float(counted)
        return Variable(Tensor(scalar: Float(total) * scale), parents: [self], name: "cross_entropy") { [self] g in
            let (dx, _) = self.gradBuffer()
            let k = g.scalar * scale
            targets.withUnsafeBufferPointer { tg in
                Parallel.forRanges(rows, grain: max(1, 16384 / max(v, 1))) { range in
                    for r in range where tg[r] != ignoreIndex {
                        let row = x + r * v, d = dx.data + r * v, l = lse.data[r]
                        for j in 0..<v { d[j] += k * expf(row[j] - l) }
                        d[tg[r]] -= k
                    }
                }
            }
        }
    }
    // MARK: end

    /// Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta.
    /// Saves the normalised input and 1/std per row for backward.
    public func layerNorm(gamma: Variable, beta: Variable, eps: Float = 1e-5) -> Variable {
        let c = value.lastDim, rows = value.rows
        requireShape(gamma.shape == [c] && beta.shape == [c], "layerNorm", shape, gamma.shape)
        let x = value.data, gm = gamma.value.data, bt = beta.value.data
        let out = Tensor(uninitialized: shape)
        let xhat = Tensor(uninitialized: shape)
        let rstd = Tensor(uninitialized: [rows])
        Parallel.forRanges(rows, grain: max(1, 8192 / max(c, 1))) { range in
            for r in range {
                let xi = x + r * c, oi = out.data + r * c, hi = xhat.data + r * c
                var mean: Float = 0
                for j in 0..<c { mean += xi[j] }
                mean /= Float(c)
                var variance: Float = 0
                for j in 0..<c { let d = xi[j] - mean; variance += d * d }
                variance /= Float(c)
                let rs = 1 / (variance + eps).squareRoot()
                rstd.data[r] = rs
                for j in 0..<c { let h = (xi[j] - mean) * rs; hi[j] = h; oi[j] = h * gm[j] + bt[j] }
            }
        }
        return Variable(out, parents: [self, gamma, beta], name: "layer_norm") { [self] g in
            if self.requiresGrad {
                // dxhat = g * gamma; dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
                let dx = self.gradBuffer().buffer.data
                Parallel.forRanges(rows, grain: max(1, 8192 / max(c, 1))) { range in
                    for r in range {
                        let gi = g.data + r * c, hi = xhat.data + r * c, di = dx + r * c
                        var m1: Float = 0, m2: Float = 0
                        for j in 0..<c { let dh = gi[j] * gm[j]; m1 += dh; m2 += dh * hi[j] }
                        m1 /= Float(c); m2 /= Float(c)
                        let rs = rstd.data[r]
                        for j in 0..<c { di[j] += rs * (gi[j] * gm[j] - m1 - hi[j] * m2) }
                    }
                }
            }
            // Gain and shift gradients sum over rows (serial, so the sum order is fixed).
            let gg = gamma.requiresGrad ? gamma.gradBuffer().buffer.data : nil
            let gb = beta.requiresGrad ? beta.gradBuffer().buffer.data : nil
            guard gg != nil || gb != nil else { return }
            for r in 0..<rows {
                let gi = g.data + r * c, hi = xhat.data + r * c
                if let gg { for j in 0..<c { gg[j] += gi[j] * hi[j] } }
                if let gb { for j in 0..<c { gb[j] += gi[j] } }
            }
        }
    }

    // MARK: book gelu
    /// GELU, tanh form ("gelu_new" in GPT-2): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    public func gelu() -> Variable {
        let k: Float = (2 / Float.pi).squareRoot()
        let x = value.data, n = value.count
        let out = Tensor(uninitialized: shape)
        let t = Tensor(uninitialized: shape)  // tanh(...) saved for backward
        Parallel.forRanges(n, grain: 16384) { range in
            for i in range {
                let xi = x[i]
                let th = fastTanh(k * (xi + 0.044715 * xi * xi * xi))
                t.data[i] = th
                out.data[i] = 0.5 * xi * (1 + th)
            }
        }
        return Variable(out, parents: [self], name: "gelu") { [self] g in
            let (dx, _) = self.gradBuffer()
            Parallel.forRanges(n, grain: 16384) { range in
                for i in range {
                    let xi = x[i], th = t.data[i]
                    let dInner = k * (1 + 3 * 0.044715 * xi * xi)
                    dx.data[i] += g.data[i] * (0.5 * (1 + th) + 0.5 * xi * (1 - th * th) * dInner)
                }
            }
        }
    }
    // MARK: end

    /// Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    /// so the expected value is unchanged. The identity when not training or p == 0.
    public func dropout(_ p: Float, training: Bool, rng: inout SeededRandom) -> Variable {
        guard training, p > 0 else { return self }
        let mask = Tensor(zeros: shape)
        let keep = 1 / (1 - p)
        for i in 0..<mask.count { mask.data[i] = rng.uniform() < p ? 0 : keep }
        return self * Variable(mask)
    }

    /// The causal mask of a plain (unpacked) batch; see `causalMask(segments:)`.
    public func causalMask() -> Variable { causalMask(segments: nil) }

    // MARK: book causal-mask
    /// Causal mask on attention scores [..., Tq, Tk]: query i sits at absolute position
    /// i + (Tk − Tq) (earlier positions may come from a KV cache) and may only look at keys
    /// j <= that position, so every later score is set to −inf (its softmax weight becomes 0).
    /// For packed sequences (Chapter 3), `segments` [B*T] gives each position's example number
    /// and a query may not look at another example's keys either (block-diagonal causal mask).
    /// Backward: masked positions receive no gradient.
    public func causalMask(segments: [Int]?) -> Variable {
        let tk = shape[shape.count - 1], tq = shape[shape.count - 2]
        requireShape(shape.count >= 2 && tq <= tk, "causalMask (Tq <= Tk)", shape, [tq, tk])
        let offset = tk - tq
        let blocks = value.count / (tq * tk)
        let perRow = shape.count >= 4 ? shape[shape.count - 3] : 1   // heads per batch row
        if let segments { precondition(segments.count == (blocks / perRow) * tk && tq == tk, "causalMask: \(segments.count) segment ids for scores \(shape)") }
        func apply(_ t: Tensor, _ fill: Float) {
            for blk in 0..<blocks {
                let s = t.data + blk * tq * tk
                let seg = segments.map { Array($0[((blk / perRow) * tk)..<((blk / perRow + 1) * tk)]) }
                for i in 0..<tq {
                    if i + offset + 1 < tk { for j in (i + offset + 1)..<tk { s[i * tk + j] = fill } }
                    if let seg { for j in 0...(i + offset) where seg[j] != seg[i] { s[i * tk + j] = fill } }
                }
            }
        }
        let out = value.copy()
        apply(out, -.infinity)
        return Variable(out, parents: [self], name: "causal_mask") { [self] g in
            apply(g, 0)   // g is this node's own gradient: safe to edit, then hand over
            self.accumulate(g)
        }
    }
    // MARK: end
}
