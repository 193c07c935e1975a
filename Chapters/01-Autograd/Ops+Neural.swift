import Core
import Foundation

// The neural-network operations a GPT needs: softmax, log-softmax, cross-entropy, layer norm,
// GELU, dropout and the causal mask. Each states its formula and its backward rule here; the
// loops that compute them, fused into one pass where that saves memory traffic and split over
// the cores by rows, are Core kernels (Sources/Core/Kernels+*.swift).

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
    /// positions whose target is `ignoreIndex` (`CrossEntropy.ignoreIndex`, −100 as in
    /// PyTorch: prompt tokens in SFT). With lse_r = log Σⱼ e^(x_rj) and N the counted rows:
    ///   L = (1/N) Σ_r (lse_r − x_r,t_r)            ∂L/∂x_rj = (softmax(x_r)ⱼ − [j = t_r]) / N
    /// Fused: one pass per row computes lse_r (subtracting the row's max, so large logits cannot
    /// overflow); backward recomputes softmax from the saved logits and lse, so no [N, V]
    /// probability tensor is kept.
    public func crossEntropy(targets: [Int], ignoreIndex: Int = CrossEntropy.ignoreIndex) -> Variable {
        KitAnswer.used("Variable.crossEntropy", answers: "3.3")
        let v = value.lastDim, rows = value.rows
        precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits \(shape)")
        for t in targets where t != ignoreIndex {
            precondition(t >= 0 && t < v, "crossEntropy: target \(t) out of range 0..<\(v)")
        }
        let x = value.data
        let lse = Tensor(zeros: [rows])      // lse_r, one per row
        CrossEntropy.logSumExpRows(x, targets: targets, ignoreIndex: ignoreIndex, lse: lse.data, rows: rows, cols: v)
        var total: Double = 0                // Σ_r (lse_r − x_r,t_r), in row order
        var counted = 0
        for r in 0..<rows where targets[r] != ignoreIndex {
            total += Double(lse.data[r] - x[r * v + targets[r]])
            counted += 1
        }
        let scale = counted == 0 ? 0 : 1 / Float(counted)
        return Variable(Tensor(scalar: Float(total) * scale), parents: [self], name: "cross_entropy") { [self] g in
            let (dx, fresh) = self.gradBuffer(overwrite: true)
            // dx_r += (g / N) · (softmax(x_r) − onehot(t_r)); a fresh buffer is written, not added to
            CrossEntropy.backwardRows(x, lse: lse.data, targets: targets, ignoreIndex: ignoreIndex,
                                      scale: g.scalar * scale, dx: dx.data, rows: rows, cols: v, accumulate: !fresh)
        }
    }
    // MARK: end

    // MARK: book layer-norm
    /// Layer normalisation over the last axis of x [..., C]:
    ///   x̂ = (x − mean) / √(var + eps),  y = x̂ · gamma + beta        (gamma, beta [C])
    /// Backward, with dx̂ = dy · gamma and means over the row:
    ///   dx = (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)) / √(var + eps)
    ///   dgamma = Σ_rows dy · x̂,  dbeta = Σ_rows dy
    /// Forward saves x̂ and 1/√(var + eps) per row for backward.
    public func layerNorm(gamma: Variable, beta: Variable, eps: Float = 1e-5) -> Variable {
        KitAnswer.used("Variable.layerNorm", answers: "1.3")
        let c = value.lastDim, rows = value.rows
        requireShape(gamma.shape == [c] && beta.shape == [c], "layerNorm", shape, gamma.shape)
        let gm = gamma.value.data
        let out = Tensor(uninitialized: shape)
        let xhat = Tensor(uninitialized: shape)
        let rstd = Tensor(uninitialized: [rows])   // 1/√(var + eps)
        Normalization.layerNorm(value.data, gamma: gm, beta: beta.value.data, eps: eps,
                                out: out.data, xhat: xhat.data, rstd: rstd.data, rows: rows, cols: c)
        return Variable(out, parents: [self, gamma, beta], name: "layer_norm") { [self] g in
            if self.requiresGrad {
                Normalization.layerNormBackward(dy: g.data, xhat: xhat.data, rstd: rstd.data, gamma: gm,
                                                dx: self.gradBuffer().buffer.data, rows: rows, cols: c)
            }
            Normalization.layerNormParameterGradients(dy: g.data, xhat: xhat.data,
                                                      dgamma: gamma.requiresGrad ? gamma.gradBuffer().buffer.data : nil,
                                                      dbeta: beta.requiresGrad ? beta.gradBuffer().buffer.data : nil,
                                                      rows: rows, cols: c)
        }
    }
    // MARK: end

    // MARK: book gelu
    /// GELU, tanh form ("gelu_new" in GPT-2), elementwise:
    ///   y  = 0.5 x (1 + th),  th = tanh(√(2/π) (x + 0.044715 x³))
    ///   dy/dx = 0.5 (1 + th) + 0.5 x (1 − th²) √(2/π) (1 + 3 · 0.044715 x²)
    /// The forward pass saves th, which the derivative needs.
    public func gelu() -> Variable {
        let x = value.data, n = value.count
        let out = Tensor(uninitialized: shape)
        let th = Tensor(uninitialized: shape)
        GELU.forward(x, out: out.data, tanh: th.data, count: n)
        return Variable(out, parents: [self], name: "gelu") { [self] g in
            let (dx, _) = self.gradBuffer()
            GELU.backward(x, tanh: th.data, dy: g.data, dx: dx.data, count: n)
        }
    }
    // MARK: end

    /// Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p),
    /// so the expected value is unchanged. The identity when not training or p == 0.
    public func dropout(_ p: Float, training: Bool, rng: inout SeededRandom) -> Variable {
        guard training, p > 0 else { return self }
        return self * Variable(Dropout.mask(shape, p: p, rng: &rng))
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
        KitAnswer.used("Variable.causalMask", answers: "2.2 2.3")
        let tk = shape[shape.count - 1], tq = shape[shape.count - 2]
        requireShape(shape.count >= 2 && tq <= tk, "causalMask (Tq <= Tk)", shape, [tq, tk])
        let blocks = value.count / (tq * tk)
        let perRow = shape.count >= 4 ? shape[shape.count - 3] : 1   // heads per batch row
        if let segments { precondition(segments.count == (blocks / perRow) * tk && tq == tk, "causalMask: \(segments.count) segment ids for scores \(shape)") }
        func apply(_ t: Tensor, _ fill: Float) {
            CausalMask.fill(t.data, blocks: blocks, queries: tq, keys: tk, headsPerRow: perRow, segments: segments, with: fill)
        }
        let out = value.copy()
        apply(out, -.infinity)
        let masked = Variable(out, parents: [self], name: "causal_mask") { [self] g in
            apply(g, 0)   // g is this node's own gradient: safe to edit, then hand over
            self.accumulate(g)
        }
        if let mine = LearnerCode.function("causalMask", as: CausalMaskFunction.self) { return masked.learnerMasked(mine, scores: value, segments: segments) }
        return masked
    }
    // MARK: end
}
