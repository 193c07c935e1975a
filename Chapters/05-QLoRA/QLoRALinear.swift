import Autograd
import Core
import LoRA
import Transformer

/// A linear layer whose frozen base weight lives only in NF4, with an optional LoRA update in
/// Float32 on top (QLoRA):
///
///     y = x · dequant(W_NF4) + b + s · B(A(dropout(x)))
///
/// The layer's Float32 `weight` is replaced by an empty tensor when this adapter is attached
/// (see `QLoRA.attach`), so the model no longer holds the full-precision base weights.
public final class QLoRALinear: LoRACarrier {
    public let weight: NF4Tensor
    public let lora: LoRALinear?
    /// How far the NF4 weight is from the Float32 one it replaced.
    public let stats: QuantizationStats

    public init(weight: NF4Tensor, lora: LoRALinear?, stats: QuantizationStats) {
        (self.weight, self.lora, self.stats) = (weight, lora, stats)
    }

    public var namedParameters: [(String, Variable)] { lora?.namedParameters ?? [] }

    // MARK: book qlora-forward
    public func forward(_ x: Variable, base: Linear) -> Variable {
        guard let lora else { return Variable.nf4Linear(x, weight, base.bias) }
        // LoRA's fused product, its frozen weight rebuilt from 4 bits for each call.
        let w = weight
        return lora.product(x, base: base) { body in w.withDequantized { body($0) } }
    }
    // MARK: end
}

extension Variable {
    // MARK: book nf4-linear
    /// y = x · Ŵ + b with Ŵ = dequant(w) rebuilt for the forward product and again for the
    /// backward one, then freed: the graph keeps only x and the 4-bit weight, never a Float32
    /// copy of W. x [..., in], w [in, out] -> [..., out]. W is frozen, so backward computes
    /// only dx = g Ŵᵀ (and db when the bias trains).
    public static func nf4Linear(_ x: Variable, _ w: NF4Tensor, _ b: Variable?) -> Variable {
        let X = x.value
        let (k, n) = (w.shape[0], w.shape[1])
        requireShape(X.lastDim == k, "nf4Linear", X.shape, w.shape)
        let rows = X.rows
        let out = Tensor(uninitialized: Array(X.shape.dropLast()) + [n])
        if let b { for r in 0..<rows { (out.data + r * n).update(from: b.value.data, count: n) } }
        w.withDequantized { W in
            BLAS.gemm(transA: false, transB: false, m: rows, n: n, k: k, a: X.data, b: W,
                      beta: b == nil ? 0 : 1, c: out.data)
        }
        return Variable(out, parents: b.map { [x, $0] } ?? [x], name: "nf4Linear") { g in
            if x.requiresGrad {
                let gx = Tensor(uninitialized: X.shape)
                w.withDequantized { W in
                    BLAS.gemm(transA: false, transB: true, m: rows, n: k, k: n, a: g.data, b: W, c: gx.data)
                }
                x.accumulate(gx)
            }
            if let b, b.requiresGrad {
                let gb = Tensor(zeros: [n])
                for r in 0..<rows { let gr = g.data + r * n; for j in 0..<n { gb.data[j] += gr[j] } }
                b.accumulate(gb)
            }
        }
    }
    // MARK: end
}
