import Autograd
import Core
import Transformer

/// A LoRA adapter on one frozen GPT-2 "Conv1D" layer, with PEFT's semantics:
///
///     y = x W + b + s · B(A(dropout(x)))        s = alpha / r  (rsLoRA: alpha / √r)
///
/// Shapes: x [..., in]; the frozen W [in, out] (Conv1D layout) and b [out]; A [r, in] and
/// B [out, r] (PEFT's `lora_A.weight` / `lora_B.weight`, stored as PyTorch `nn.Linear`
/// weights, so the file loads in PEFT unchanged). In the Conv1D layout the update to W is
/// therefore ΔW = s · (B A)ᵀ = s · Aᵀ Bᵀ, [in, out].
///
/// Init as PEFT: A ~ kaiming-uniform(a = √5) = uniform(±1/√in) and B = 0, so ΔW = 0 and the
/// adapted model starts out computing exactly what the base model computes.
public final class LoRALinear: LinearAdapter {
    public let A: Variable          // [r, in]
    public let B: Variable          // [out, r]
    public let rank: Int
    public let scaling: Float
    public let dropout: Float
    /// DoRA's per-output magnitude m [out] (nil for plain LoRA); see DoRA.swift.
    public internal(set) var magnitude: Variable?
    /// True while ΔW has been added into the base weight (`merge`): forward is then the plain
    /// layer, and training must not continue (the gradient would still reach A and B only).
    public internal(set) var merged = false
    /// DoRA: the column norms used at merge time, needed to undo the merge.
    var mergedNorm: Tensor?
    /// Dropout masks come from the adapter's own seeded generator.
    var rng: SeededRandom

    public init(inFeatures: Int, outFeatures: Int, config: LoRAConfig, rng: inout SeededRandom) {
        let r = config.rank
        precondition(r > 0, "LoRA: rank must be positive, got \(r)")
        rank = r
        scaling = config.scaling
        dropout = config.dropout
        // MARK: book lora-init
        // kaiming_uniform_(a=√5) on a [r, in] weight: gain √(2/(1+a²)) = √(1/3), bound
        // gain·√3/√fan_in = 1/√in.
        let bound = 1 / Float(inFeatures).squareRoot()
        let a = Tensor(zeros: [r, inFeatures])
        for i in 0..<a.count { a.data[i] = rng.uniform(-bound, bound) }
        A = Variable(a, requiresGrad: true, name: "lora_A.weight")
        B = Variable(Tensor(zeros: [outFeatures, r]), requiresGrad: true, name: "lora_B.weight")
        // MARK: end
        self.rng = rng.split()
    }

    /// PEFT's names, relative to the layer ("h.0.attn.c_attn." + name gives the full key).
    public var namedParameters: [(String, Variable)] {
        var out = [("lora_A.weight", A), ("lora_B.weight", B)]
        if let magnitude { out.append(("lora_magnitude_vector", magnitude)) }
        return out
    }

    // MARK: book lora-forward
    public func forward(_ x: Variable, base: Linear) -> Variable {
        if merged { return Variable.linear(x, base.weight, base.bias) }   // ΔW is inside W now
        if magnitude != nil { return doraForward(x, base: base) }
        if base.weight.requiresGrad { return Variable.linear(x, base.weight, base.bias) + update(x) }
        if let mine = LearnerCode.function("loraForward", as: LoRAForwardFunction.self) { return learnerProduct(x, base: base, mine) }
        // The frozen product and the update as one node (LoRAProduct.swift).
        let w = base.weight.value
        return product(x, base: base) { body in body(w.data) }
    }

    /// The low-rank term s · B(A(dropout(x))): x [..., in] -> [..., r] -> [..., out].
    /// Two thin products instead of one in×out one; s rides along inside the second BLAS call.
    public func update(_ x: Variable) -> Variable {
        KitAnswer.used("LoRALinear.update", answers: "4.1")
        let h = inputDropout(x)
        let down = Variable.matmul(h, A, transposeB: true)                  // [..., r]
        return Variable.matmul(down, B, transposeB: true, alpha: scaling)   // [..., out]
    }
    // MARK: end

    /// x W + b + s·B(A(dropout(x))) as one autograd node, with the frozen W [in, out] supplied
    /// by `withWeight` (QLoRA passes its 4-bit weight, dequantised for the duration of a call).
    public func product(_ x: Variable, base: Linear,
                        withWeight: @escaping ((UnsafePointer<Float>) -> Void) -> Void) -> Variable {
        Variable.loraProduct(x, adapterInput: inputDropout(x), inFeatures: base.inFeatures, outFeatures: base.outFeatures,
                             withWeight: withWeight, bias: base.bias, a: A, b: B, scaling: scaling)
    }

    /// Dropout on the adapter's input, only while a graph is being recorded (training):
    /// evaluation and generation run under `noGrad` and see no dropout.
    func inputDropout(_ x: Variable) -> Variable {
        guard dropout > 0, GradMode.isEnabled else { return x }
        return x.dropout(dropout, training: true, rng: &rng)
    }

    // MARK: book lora-merge
    /// ΔW in the Conv1D layout: s · Aᵀ Bᵀ, [in, out] (one BLAS call; `into` adds to a buffer).
    public func deltaWeight(into w: Tensor? = nil, sign: Float = 1) -> Tensor {
        KitAnswer.used("LoRALinear.deltaWeight", answers: "4.3")
        let (r, inF, outF) = (rank, A.shape[1], B.shape[0])
        let out = w ?? Tensor(zeros: [inF, outF])
        requireShape(out.shape == [inF, outF], "LoRA delta", out.shape, [inF, outF])
        BLAS.gemm(transA: true, transB: true, m: inF, n: outF, k: r, alpha: sign * scaling,
                  a: A.value.data, b: B.value.data, beta: w == nil ? 0 : 1, c: out.data)
        return out
    }

    /// W ← W + s·(BA)ᵀ; forward then skips the adapter (inference costs nothing extra).
    public func merge(into base: Linear) {
        KitAnswer.used("LoRALinear.merge", answers: "4.3")
        guard !merged else { return }
        if magnitude != nil { doraMerge(into: base) } else { _ = deltaWeight(into: base.weight.value) }
        merged = true
    }

    /// W ← W − s·(BA)ᵀ. Float32 rounding makes this exact only up to about one ulp of
    /// |W + ΔW| per element (PEFT does the same; no copy of the original W is kept).
    public func unmerge(from base: Linear) {
        guard merged else { return }
        if magnitude != nil { doraUnmerge(from: base) } else { _ = deltaWeight(into: base.weight.value, sign: -1) }
        merged = false
    }
    // MARK: end
}
