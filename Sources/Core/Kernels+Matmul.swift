import COpenBLAS
import Foundation

/// Matrix products through OpenBLAS. Every product in the kit, batched ones included
/// (attention), goes through `cblas_sgemm`; a hand loop would be 10-100x slower.
public enum BLAS {
    /// Who spreads a product over the cores.
    ///
    /// - `kit` (the default): OpenBLAS runs single-threaded, and the kit splits a large product's
    ///   output into one block of rows (or columns) per core itself, on the same threads
    ///   (`Parallel`) that run softmax, layer norm and attention.
    /// - `openblas`: OpenBLAS splits each product over its own thread pool.
    ///
    /// Why `kit`: with two pools on the same cores, OpenBLAS's threads keep spinning (in
    /// `sched_yield`) for a while after every product, waiting for the next one, while the kit's
    /// threads need those cores for the element-wise work in between; and a product called from
    /// inside a parallel loop (attention's per-head tiles) would ask OpenBLAS for threads that
    /// are busy. Measured on 2 cores (release, `course bench train`, tokens/s over three rounds):
    /// small preset, kit 4123-4425; OpenBLAS's threads 3288-4170 (the slow rounds are the two
    /// pools fighting); OpenBLAS with OPENBLAS_THREAD_TIMEOUT=4 (its threads sleep sooner)
    /// 3542-4449. Tiny: kit 20.8k-22.2k, OpenBLAS 13.5k-22.4k, with the timeout 14.4k-22.5k.
    /// GPT-2 124M (large products): all three within a few percent (186-204). So the kit's
    /// split: never the slowest, and steady. Each output element is still computed by one
    /// `cblas_sgemm` over the whole inner dimension, and where the split falls depends only on
    /// the thread count, so a run repeats bit for bit for a given number of threads. Across
    /// thread counts the last bits may differ: OpenBLAS can choose another kernel for a smaller
    /// part (seen: 512 × 96 × 40 split by rows; the large products of a training step come out
    /// identical). Set `COURSE_THREADING=openblas` to compare.
    public enum Threading: String, Sendable { case kit, openblas }

    public static let threading: Threading = {
        let t = ProcessInfo.processInfo.environment["COURSE_THREADING"].flatMap(Threading.init(rawValue:)) ?? .kit
        if t == .kit { openblas_set_num_threads(1) }
        return t
    }()

    /// A product is split over the cores only when each part keeps at least this many
    /// multiply-adds (m·n·k): some 0.02 ms of sgemm, against the microseconds of waking a thread
    /// and packing the shared operand twice. Measured (`course bench matmul`, 2 cores): a
    /// 128 × 128 × 128 product split in two ran at 60 GFLOP/s, on one thread at ~100.
    public static let splitWork = 128 * 128 * 128
    /// Matrix elements (n·k) from which a one-row product is handed to OpenBLAS's threads: a
    /// 128 × 128 weight (64 KB), below which one core streams it faster than two.
    public static let vectorSplit = 128 * 128

    /// C[M,N] = alpha * op(A) op(B) + beta * C, row-major.
    /// op(A) is [M,K] (A stored [M,K], or [K,M] when `transA`); op(B) is [K,N] likewise.
    /// Large products are split over the cores as `threading` says.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>,
                            lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil) {
        let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n), ldc = ldc ?? n
        if m == 1 && threading == .kit && n * k >= vectorSplit && Parallel.cores > 1 {
            // One row (a generated token): a matrix-vector product that streams B from memory in
            // tens of microseconds. Waking one of the kit's threads costs about as much as the
            // split saves (measured: generation 15-40% slower); OpenBLAS's own threads, kept
            // spinning between the products of a token, do split it profitably (measured: 1.5x
            // faster generation). So for these products only, OpenBLAS gets the cores. Called
            // from one thread, never from inside a parallel loop (those use `serialGemm`).
            // OpenBLAS's threaded sgemv may split the inner sum, so these products' last bits
            // depend on the number of threads (as every product's did when OpenBLAS threaded
            // them all); for a given thread count they are the same on every run.
            openblas_set_num_threads(Int32(Parallel.cores))
            serialGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            openblas_set_num_threads(1)
            return
        }
        let parts = threading == .kit && m > 1 ? min(Parallel.cores, m * n * k / splitWork) : 1
        if parts <= 1 || (m < 32 && n < 32) {
            serialGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        // Split the longer side of C, in multiples of 16 (the micro-kernels' width), so each
        // part packs its share of the larger operand and all of the smaller one.
        let byRows = m >= n
        let len = byRows ? m : n
        let parts16 = min(parts, (len + 15) / 16)
        Parallel.forRanges(parts16, grain: 1) { range in
            for p in range {
                let lo = (len * p / parts16) & ~15, hi = p == parts16 - 1 ? len : (len * (p + 1) / parts16) & ~15
                if hi <= lo { continue }
                if byRows {   // rows lo..<hi of C come from rows lo..<hi of op(A)
                    serialGemm(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                               a: a + (transA ? lo : lo * lda), lda: lda, b: b, ldb: ldb,
                               beta: beta, c: c + lo * ldc, ldc: ldc)
                } else {      // columns lo..<hi of C come from columns lo..<hi of op(B)
                    serialGemm(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha,
                               a: a, lda: lda, b: b + (transB ? lo * ldb : lo), ldb: ldb,
                               beta: beta, c: c + lo, ldc: ldc)
                }
            }
        }
    }

    /// One `cblas_sgemm` call on the calling thread (single-threaded under the `kit` policy):
    /// for code that is already inside a parallel loop, like attention's tiles. Leading
    /// dimensions are explicit so operands can be windows of wider rows.
    @inline(__always)
    public static func serialGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = threading
        if m == 0 || n == 0 { return }
        if k == 0 {  // empty inner dimension: C = beta*C
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        if m == 1 {
            // A single row: sgemv reads op(B) once as it is, where sgemm would first copy (pack)
            // all of it, which doubles the memory traffic of a generated token's products.
            // c[1, n] = alpha · a[1, k] op(B) + beta · c: op(B)ᵀ a, i.e. B stored [k, n] read
            // transposed, or B stored [n, k] read as is. a's elements are lda apart when transA.
            cblas_sgemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans,
                        Int32(transB ? n : k), Int32(transB ? k : n), alpha, b, Int32(ldb),
                        a, Int32(transA ? lda : 1), beta, c, 1)
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `batch` independent products with fixed element strides between consecutive matrices
    /// (stride 0 broadcasts an operand over the batch). Small products (attention heads) each
    /// run on one thread and the batch itself is spread over the cores; every product is one
    /// call whatever the split, so results are bit-identical.
    public static func batchedGemm(batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                   alpha: Float = 1, a: UnsafePointer<Float>, strideA: Int,
                                   b: UnsafePointer<Float>, strideB: Int,
                                   beta: Float = 0, c: UnsafeMutablePointer<Float>, strideC: Int) {
        let (lda, ldb) = (transA ? m : k, transB ? k : n)
        if m * n * k <= 256 * 256 * 64 {
            Parallel.forRanges(batch, grain: 1) { range in
                for i in range {
                    serialGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a + i * strideA, lda: lda,
                               b: b + i * strideB, ldb: ldb, beta: beta, c: c + i * strideC, ldc: n)
                }
            }
        } else {
            for i in 0..<batch {
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                     a: a + i * strideA, b: b + i * strideB, beta: beta, c: c + i * strideC)
            }
        }
    }

    /// Threads that work on one product: the kit's split (`Parallel.cores`) or OpenBLAS's pool
    /// (OPENBLAS_NUM_THREADS), as `threading` says.
    public static var threads: Int { threading == .kit ? Parallel.cores : Int(openblas_get_num_threads()) }
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}
