import Autograd
import Core
import Transformer

// DoRA (Liu et al. 2024, "Weight-Decomposed Low-Rank Adaptation"), as PEFT computes it.
// The adapted weight is split into a direction and a magnitude per output feature:
//
//     W' = m ⊙ (W + ΔW) / ‖W + ΔW‖        ΔW = s·(BA)ᵀ, norms over the input axis
//
// m [out] is trainable and starts at ‖W‖ (so W' = W at init, since B = 0). The norm is
// treated as a constant (detached) in backward, which saves memory and, per the paper,
// barely changes the result. PEFT computes the output without forming W':
//
//     y = x W + b + (m/‖·‖ − 1) ⊙ (x̃ W) + (m/‖·‖) ⊙ s·B(A x̃)      x̃ = dropout(x)

extension LoRALinear {
    /// Turns this adapter into a DoRA adapter on `weight` [in, out]: m = ‖W‖ per column.
    public func enableDoRA(weight: Tensor) {
        magnitude = Variable(columnNorms(weight), requiresGrad: true, name: "lora_magnitude_vector")
    }

    /// ‖W[:, j]‖ for every output feature j of a Conv1D weight [in, out] -> [out].
    func columnNorms(_ w: Tensor) -> Tensor {
        let (inF, outF) = (w.shape[0], w.shape[1])
        let n = Tensor(zeros: [outF])
        for i in 0..<inF {
            let row = w.data + i * outF
            for j in 0..<outF { n.data[j] += row[j] * row[j] }
        }
        for j in 0..<outF { n.data[j] = n.data[j].squareRoot() }
        return n
    }

    /// ‖W + ΔW‖ per output feature, [out], computed from the current A and B (no gradient).
    func directionNorms(_ base: Linear) -> Tensor {
        let w = base.weight.value.copy()
        _ = deltaWeight(into: w)
        return columnNorms(w)
    }

    // MARK: book dora-forward
    func doraForward(_ x: Variable, base: Linear) -> Variable {
        KitAnswer.used("LoRALinear.doraForward", answers: "4.4")
        let m = magnitude!
        let norm = Variable(directionNorms(base))           // [out], detached
        let scale = m / norm                                 // [out]: the gradient reaches m only
        let xw = Variable.linear(x, base.weight, nil)        // [..., out]
        let h = inputDropout(x)
        let xwDropped = h === x ? xw : Variable.linear(h, base.weight, nil)
        let lora = Variable.matmul(Variable.matmul(h, A, transposeB: true), B, transposeB: true, alpha: scaling)
        return xw + base.bias + (scale - 1) * xwDropped + scale * lora
    }
    // MARK: end

    /// W ← (m/‖W + ΔW‖) ⊙ (W + ΔW), column by column; the norm is kept to undo it.
    func doraMerge(into base: Linear) {
        let norm = directionNorms(base)
        let w = base.weight.value
        _ = deltaWeight(into: w)
        let (inF, outF) = (w.shape[0], w.shape[1])
        let m = magnitude!.value.data
        for i in 0..<inF { let row = w.data + i * outF; for j in 0..<outF { row[j] *= m[j] / norm.data[j] } }
        mergedNorm = norm
    }

    /// W ← W' / (m/‖·‖) − ΔW with the norm saved at merge time.
    func doraUnmerge(from base: Linear) {
        guard let norm = mergedNorm else { return }
        let w = base.weight.value
        let (inF, outF) = (w.shape[0], w.shape[1])
        let m = magnitude!.value.data
        for i in 0..<inF { let row = w.data + i * outF; for j in 0..<outF { row[j] /= m[j] / norm.data[j] } }
        _ = deltaWeight(into: w, sign: -1)
        mergedNorm = nil
    }
}
