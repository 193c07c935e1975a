import Core

// Matrix products. Forward and backward are single `cblas_sgemm` calls with the right
// transpose flags; gradients are added straight into the parents' buffers (beta = 1), so
// backward costs exactly two more products and no extra pass over memory.

// MARK: book matmul
extension Variable {
    /// a @ b. Shapes: a [..., M, K] with b [K, N] (a weight shared by every row: one product
    /// over all rows), or a [..., M, K] with b [..., K, N] with equal batch axes (attention).
    /// `transposeB` uses b [.., N, K] as its transpose (q @ kᵀ without a copy); `alpha`
    /// scales the product inside the same BLAS call (attention's 1/√d).
    public static func matmul(_ a: Variable, _ b: Variable, transposeB: Bool = false, alpha: Float = 1) -> Variable {
        let (A, B) = (a.value, b.value)
        let k = A.lastDim
        let n = transposeB ? B.shape[B.rank - 2] : B.lastDim
        let kb = transposeB ? B.lastDim : B.shape[B.rank - 2]
        requireShape(A.rank >= 2 && B.rank >= 2 && k == kb, "matmul", A.shape, B.shape)
        if B.rank == 2 {
            // Fold every leading axis of a into rows: [R, K] @ [K, N] -> [R, N].
            let rows = A.rows
            let out = Tensor(uninitialized: Array(A.shape.dropLast()) + [n])
            BLAS.gemm(transA: false, transB: transposeB, m: rows, n: n, k: k, alpha: alpha, a: A.data, b: B.data, c: out.data)
            return Variable(out, parents: [a, b], name: "matmul") { g in
                if a.requiresGrad {  // dA[R,K] = dC[R,N] @ Bᵀ
                    let (ga, fresh) = a.gradBuffer(overwrite: true)
                    BLAS.gemm(transA: false, transB: !transposeB, m: rows, n: k, k: n, alpha: alpha,
                              a: g.data, b: B.data, beta: fresh ? 0 : 1, c: ga.data)
                }
                if b.requiresGrad {  // dB[K,N] = Aᵀ @ dC (or its transpose)
                    let (gb, fresh) = b.gradBuffer(overwrite: true)
                    if transposeB {
                        BLAS.gemm(transA: true, transB: false, m: n, n: k, k: rows, alpha: alpha,
                                  a: g.data, b: A.data, beta: fresh ? 0 : 1, c: gb.data)
                    } else {
                        BLAS.gemm(transA: true, transB: false, m: k, n: n, k: rows, alpha: alpha,
                                  a: A.data, b: g.data, beta: fresh ? 0 : 1, c: gb.data)
                    }
                }
            }
        }
        // Batched: the same batch axes on both sides.
        let batchShape = Array(A.shape.dropLast(2))
        requireShape(batchShape == Array(B.shape.dropLast(2)), "batched matmul", A.shape, B.shape)
        let batch = batchShape.reduce(1, *)
        let m = A.shape[A.rank - 2]
        let out = Tensor(uninitialized: batchShape + [m, n])
        BLAS.batchedGemm(batch: batch, transA: false, transB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: A.data, strideA: m * k, b: B.data, strideB: k * n,
                         c: out.data, strideC: m * n)
        return Variable(out, parents: [a, b], name: "bmm") { g in
            if a.requiresGrad {
                let (ga, fresh) = a.gradBuffer(overwrite: true)
                BLAS.batchedGemm(batch: batch, transA: false, transB: !transposeB, m: m, n: k, k: n, alpha: alpha,
                                 a: g.data, strideA: m * n, b: B.data, strideB: k * n,
                                 beta: fresh ? 0 : 1, c: ga.data, strideC: m * k)
            }
            if b.requiresGrad {
                let (gb, fresh) = b.gradBuffer(overwrite: true)
                if transposeB {  // dB[N,K] = dCᵀ @ A
                    BLAS.batchedGemm(batch: batch, transA: true, transB: false, m: n, n: k, k: m, alpha: alpha,
                                     a: g.data, strideA: m * n, b: A.data, strideB: m * k,
                                     beta: fresh ? 0 : 1, c: gb.data, strideC: n * k)
                } else {         // dB[K,N] = Aᵀ @ dC
                    BLAS.batchedGemm(batch: batch, transA: true, transB: false, m: k, n: n, k: m, alpha: alpha,
                                     a: A.data, strideA: m * k, b: g.data, strideB: m * n,
                                     beta: fresh ? 0 : 1, c: gb.data, strideC: k * n)
                }
            }
        }
    }
}
// MARK: end

extension Variable {
    /// A Hugging Face "Conv1D" layer: y = x @ W + b with W [in, out], b [out].
    /// x [..., in] -> y [..., out]. The bias is added in the same pass as the product's
    /// output is produced (sgemm with beta = 1 over a bias-filled buffer).
    public static func linear(_ x: Variable, _ w: Variable, _ b: Variable?) -> Variable {
        let X = x.value, W = w.value
        requireShape(W.rank == 2 && X.lastDim == W.shape[0], "linear", X.shape, W.shape)
        let rows = X.rows, k = W.shape[0], n = W.shape[1]
        let out = Tensor(uninitialized: Array(X.shape.dropLast()) + [n])
        if let b {
            requireShape(b.shape == [n], "linear bias", b.shape, [n])
            Rows.broadcast(b.value.data, into: out.data, rows: rows, cols: n)   // every row starts as b
        }
        BLAS.gemm(transA: false, transB: false, m: rows, n: n, k: k, a: X.data, b: W.data,
                  beta: b == nil ? 0 : 1, c: out.data)
        return Variable(out, parents: b.map { [x, w, $0] } ?? [x, w], name: "linear") { g in
            if let b, b.requiresGrad {  // db[N] = Σ over rows of dC: the gradient of broadcasting b to every row
                if let mine = LearnerCode.function("broadcastBackward", as: BroadcastBackwardFunction.self) {
                    b.accumulate(mine(.add, out, b.value, g).db)   // y = xW + b: b's share of an addition
                } else {
                    Rows.sum(g.data, into: b.gradBuffer().buffer.data, rows: rows, cols: n)
                }
            }
            linearBackward(x, w, dy: g)
        }
    }

    /// dx += dy Wᵀ and dW += xᵀ dy for y = x @ W (+ b): two products, added straight into the
    /// gradient buffers (or written, when a buffer is new). dy [rows, out].
    static func linearBackward(_ x: Variable, _ w: Variable, dy g: Tensor) {
        let X = x.value, W = w.value
        let rows = X.rows, k = W.shape[0], n = W.shape[1]
        if x.requiresGrad {
            let (gx, fresh) = x.gradBuffer(overwrite: true)
            BLAS.gemm(transA: false, transB: true, m: rows, n: k, k: n, a: g.data, b: W.data,
                      beta: fresh ? 0 : 1, c: gx.data)
        }
        if w.requiresGrad {
            let (gw, fresh) = w.gradBuffer(overwrite: true)
            BLAS.gemm(transA: true, transB: false, m: k, n: n, k: rows, a: X.data, b: g.data,
                      beta: fresh ? 0 : 1, c: gw.data)
        }
    }

    /// gelu(x @ W + b), the first half of a transformer's MLP, with the bias and GELU done in one
    /// pass over the product's output (and their backward in one pass over its gradient) instead
    /// of three: the [rows, 4C] activations are the largest tensors of a block, so each pass saved
    /// counts. Same formulas as `linear` then `gelu`. x [..., in], W [in, out], b [out].
    public static func linearGELU(_ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
        let X = x.value, W = w.value
        requireShape(W.rank == 2 && X.lastDim == W.shape[0] && b.shape == [W.shape[1]], "linearGELU", X.shape, W.shape)
        let rows = X.rows, k = W.shape[0], n = W.shape[1]
        let pre = Tensor(uninitialized: Array(X.shape.dropLast()) + [n])   // x·W + b, kept for backward
        let out = Tensor(uninitialized: pre.shape)
        BLAS.gemm(transA: false, transB: false, m: rows, n: n, k: k, a: X.data, b: W.data, c: pre.data)
        GELU.biasForward(pre.data, bias: b.value.data, out: out.data, rows: rows, cols: n)
        return Variable(out, parents: [x, w, b], name: "linear_gelu") { g in
            let dpre = Tensor(uninitialized: pre.shape)
            GELU.biasBackward(pre: pre.data, dy: g.data, dpre: dpre.data,
                              dbias: b.requiresGrad ? b.gradBuffer().buffer.data : nil, rows: rows, cols: n)
            linearBackward(x, w, dy: dpre)
        }
    }
}
