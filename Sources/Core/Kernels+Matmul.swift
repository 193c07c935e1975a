import COpenBLAS

/// Matrix products through OpenBLAS. Every product in the kit, batched ones included
/// (attention), goes through `cblas_sgemm`; a hand loop would be 10-100x slower.
public enum BLAS {
    /// C[M,N] = alpha * op(A) op(B) + beta * C, row-major.
    /// op(A) is [M,K] (A stored [M,K], or [K,M] when `transA`); op(B) is [K,N] likewise.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>,
                            lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil) {
        if m == 0 || n == 0 { return }
        if k == 0 {  // empty inner dimension: C = beta*C
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda ?? (transA ? m : k)),
                    b, Int32(ldb ?? (transB ? k : n)),
                    beta, c, Int32(ldc ?? n))
    }

    /// `batch` independent products with fixed element strides between consecutive matrices
    /// (stride 0 broadcasts an operand over the batch). Small products (attention heads) run
    /// single-threaded inside OpenBLAS, so the batch itself is spread over the cores; every
    /// product is computed the same way whatever the split, so results are bit-identical.
    public static func batchedGemm(batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                   alpha: Float = 1, a: UnsafePointer<Float>, strideA: Int,
                                   b: UnsafePointer<Float>, strideB: Int,
                                   beta: Float = 0, c: UnsafeMutablePointer<Float>, strideC: Int) {
        let small = m * n * k <= 256 * 256 * 64
        Parallel.forRanges(batch, grain: small ? 1 : batch) { range in
            for i in range {
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                     a: a + i * strideA, b: b + i * strideB, beta: beta, c: c + i * strideC)
            }
        }
    }

    /// Number of threads OpenBLAS uses (set with OPENBLAS_NUM_THREADS or `setThreads`).
    public static var threads: Int { Int(openblas_get_num_threads()) }
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}
