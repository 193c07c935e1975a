import Autograd
import Core

// The adapted layer's product as ONE autograd node. Written as separate operations
// (linear + matmul + matmul + add), the engine would keep every intermediate [rows, out]
// result alive until backward: two extra activation tensors per adapted layer, more than the
// whole optimiser state of a small model. PyTorch keeps only what backward needs; so does
// this node: its output, the thin h = x̃ Aᵀ [rows, r], and references to its inputs.

extension Variable {
    // MARK: book lora-product
    /// y = x W + b + s · (x̃ Aᵀ) Bᵀ, where x̃ is the adapter's input (dropout(x), or x itself).
    /// x, x̃ [..., in]; W [in, out] frozen, supplied by `withWeight` (a Float32 tensor, or a
    /// 4-bit one dequantised for the call: QLoRA); b [out]; A [r, in]; B [out, r] -> [..., out].
    ///
    /// Backward, with g = dL/dy and gB = g B [rows, r]:
    ///   dB = s · gᵀ h        dA = s · gBᵀ x̃        dx = g Wᵀ (+ s · gB A when x̃ is x)
    public static func loraProduct(_ x: Variable, adapterInput xd: Variable, inFeatures k: Int, outFeatures n: Int,
                                   withWeight: @escaping ((UnsafePointer<Float>) -> Void) -> Void,
                                   bias: Variable?, a: Variable, b: Variable, scaling s: Float) -> Variable {
        let X = x.value, XD = xd.value
        let r = a.shape[0]
        requireShape(X.lastDim == k && XD.shape == X.shape && a.shape == [r, k] && b.shape == [n, r],
                     "loraProduct", X.shape, [k, n, r])
        let rows = X.rows
        let out = Tensor(uninitialized: Array(X.shape.dropLast()) + [n])
        if let bias { for row in 0..<rows { (out.data + row * n).update(from: bias.value.data, count: n) } }
        withWeight { w in   // y = x W (+ b)
            BLAS.gemm(transA: false, transB: false, m: rows, n: n, k: k, a: X.data, b: w, beta: bias == nil ? 0 : 1, c: out.data)
        }
        let h = Tensor(uninitialized: [rows, r])   // h = x̃ Aᵀ
        BLAS.gemm(transA: false, transB: true, m: rows, n: r, k: k, a: XD.data, b: a.value.data, c: h.data)
        BLAS.gemm(transA: false, transB: true, m: rows, n: n, k: r, alpha: s, a: h.data, b: b.value.data, beta: 1, c: out.data)

        let parents = [x] + (xd === x ? [] : [xd]) + [a, b] + (bias.map { [$0] } ?? [])
        return Variable(out, parents: parents, name: "loraProduct") { g in
            let gB = Tensor(uninitialized: [rows, r])   // g B
            BLAS.gemm(transA: false, transB: false, m: rows, n: r, k: n, a: g.data, b: b.value.data, c: gB.data)
            if b.requiresGrad {
                let d = Tensor(uninitialized: b.shape)
                BLAS.gemm(transA: true, transB: false, m: n, n: r, k: rows, alpha: s, a: g.data, b: h.data, c: d.data)
                b.accumulate(d)
            }
            if a.requiresGrad {
                let d = Tensor(uninitialized: a.shape)
                BLAS.gemm(transA: true, transB: false, m: r, n: k, k: rows, alpha: s, a: gB.data, b: XD.data, c: d.data)
                a.accumulate(d)
            }
            if x.requiresGrad {
                let dx = Tensor(uninitialized: X.shape)
                withWeight { w in BLAS.gemm(transA: false, transB: true, m: rows, n: k, k: n, a: g.data, b: w, c: dx.data) }
                if xd === x {
                    BLAS.gemm(transA: false, transB: false, m: rows, n: k, k: r, alpha: s, a: gB.data, b: a.value.data, beta: 1, c: dx.data)
                }
                x.accumulate(dx)
            }
            if xd !== x, xd.requiresGrad {
                let dxd = Tensor(uninitialized: XD.shape)
                BLAS.gemm(transA: false, transB: false, m: rows, n: k, k: r, alpha: s, a: gB.data, b: a.value.data, c: dxd.data)
                xd.accumulate(dxd)
            }
            if let bias, bias.requiresGrad {
                let d = Tensor(zeros: [n])
                for row in 0..<rows { let gr = g.data + row * n; for j in 0..<n { d.data[j] += gr[j] } }
                bias.accumulate(d)
            }
        }
    }
    // MARK: end
}
