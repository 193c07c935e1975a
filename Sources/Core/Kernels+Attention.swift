import Foundation

/// Fused causal attention, flash-attention style: the loops behind `Variable.causalAttention`
/// (Chapter 1), which states the formulas. For every (batch row, head) and block of queries, the
/// scores against one block of keys at a time are computed, masked, turned into weights with an
/// *online* softmax and mixed into the output, so the [T, T] score matrix of a head is never
/// stored: only one [queryBlock, keyBlock] tile per thread is. The backward pass recomputes the
/// weights tile by tile from the log-sum-exp L saved per query row.
///
/// Every product inside a tile is one `cblas_sgemm` call (on the calling thread: the
/// (batch, head) pairs themselves are spread over the cores). Each pair is computed by one
/// thread in a fixed order, so results are bit-identical whatever the number of cores.
///
/// Operands are read in place with strides (see `Heads`), so queries, keys and values are used
/// straight from the [B, T, 3C] output of the `c_attn` product, and the output is written
/// straight into [B, T, C] with the heads side by side: no permuted copies in either direction.
public enum FusedAttention {
    /// Queries per tile. 32 rows keep a tile's scores (32 × 256 floats, 32 KB) in the core's L1
    /// or L2 cache and waste little of the diagonal tile that the causal mask half-empties
    /// (measured on the presets' shapes: 5-15% faster than 64).
    public static let queryBlock = 32
    /// Keys per tile: the whole context of the course's presets (T ≤ 256) is one tile, so the
    /// online softmax rescales only for longer contexts.
    public static let keyBlock = 256
    /// Keys per tile in backward, where a tile holds every query that sees its keys (up to
    /// T × 64 floats: 64 KB at T = 256).
    public static let backwardKeyBlock = 64
    /// Multiply-adds a thread should get before the (batch, head) pairs are split over the
    /// cores (some 50 µs of work): a training step's heads always split, one generated token's
    /// heads (one query each) stay on the calling thread instead of waking another for
    /// microseconds of work.
    public static let splitWork = 1 << 17

    /// Where one operand's heads live in memory: element (b, t, h, d) of a head-interleaved
    /// [B, T, H·D] buffer (or a window of a wider row, like the keys inside [B, T, 3C]) is at
    /// `base + b·batchStride + t·rowStride + h·D + d`.
    public struct Heads: @unchecked Sendable {
        public let base: UnsafeMutablePointer<Float>
        public let batchStride: Int, rowStride: Int
        public init(_ base: UnsafeMutablePointer<Float>, batchStride: Int, rowStride: Int) {
            (self.base, self.batchStride, self.rowStride) = (base, batchStride, rowStride)
        }
        /// Row 0 of head h of batch row b, for head size d.
        @inline(__always) func head(_ b: Int, _ h: Int, size d: Int) -> UnsafeMutablePointer<Float> {
            base + b * batchStride + h * d
        }
    }

    /// Sizes of one attention call. Query i (0..<queries) sits at absolute position
    /// i + (keys − queries): keys before it may come from a KV cache.
    public struct Shape: Sendable {
        public let batch: Int, heads: Int, headSize: Int, queries: Int, keys: Int
        public init(batch: Int, heads: Int, headSize: Int, queries: Int, keys: Int) {
            precondition(queries <= keys, "FusedAttention: \(queries) queries but only \(keys) keys")
            (self.batch, self.heads, self.headSize, self.queries, self.keys) = (batch, heads, headSize, queries, keys)
        }
        /// 1/√D, so the spread of the scores does not grow with the head size.
        public var scale: Float { 1 / Float(headSize).squareRoot() }
        var offset: Int { keys - queries }
        /// (batch, head) pairs per thread, at least: see `splitWork`.
        var grain: Int { max(1, FusedAttention.splitWork / max(1, queries * keys * headSize)) }
    }

    /// out = softmax(scale · Q Kᵀ + mask) V per (batch row, head), and lse [B, H, Tq] =
    /// log Σⱼ exp(scale · q·kⱼ) over each query's visible keys (nil: not needed, at inference).
    /// `segments` [B·Tk] (packed examples) also hides keys of other examples from a query.
    /// `hidden` [B, Tq, Tk] (nil by default), when given, replaces that rule: −∞ marks a key its
    /// query may not see (exercise 2.2's mask under `--mine`, checked against the kit's before).
    /// Keys after a query's position are skipped either way: that mask hides them too.
    public static func forward(q: Heads, k: Heads, v: Heads, out: Heads, lse: UnsafeMutablePointer<Float>?,
                               shape s: Shape, segments: UnsafePointer<Int>?, hidden: UnsafePointer<Float>? = nil) {
        KitAnswer.used("FusedAttention.forward", answers: "2.3 2.4")
        let d = s.headSize, scale = s.scale
        Parallel.forRanges(s.batch * s.heads, grain: s.grain) { range in
            let bq = min(queryBlock, s.queries), bk = min(keyBlock, s.keys)
            let tile = Scratch(bq * bk), acc = Scratch(bq * d), rowMax = Scratch(bq), rowSum = Scratch(bq)
            defer { [tile, acc, rowMax, rowSum].forEach { $0.free() } }
            let p = tile.p, o = acc.p, m = rowMax.p, l = rowSum.p
            for bh in range {
                let (b, h) = (bh / s.heads, bh % s.heads)
                let qh = q.head(b, h, size: d), kh = k.head(b, h, size: d), vh = v.head(b, h, size: d)
                let oh = out.head(b, h, size: d), seg = segments.map { $0 + b * s.keys }
                let hide = hidden.map { $0 + b * s.queries * s.keys }, masked = seg != nil || hide != nil
                for i0 in stride(from: 0, to: s.queries, by: bq) {
                    let rows = min(bq, s.queries - i0)
                    let keyEnd = min(s.keys, i0 + rows + s.offset)    // the last query's position + 1
                    m.update(repeating: -.infinity, count: rows)
                    l.update(repeating: 0, count: rows)
                    o.update(repeating: 0, count: rows * d)
                    for j0 in stride(from: 0, to: keyEnd, by: bk) {
                        let cols = min(bk, keyEnd - j0)
                        // S [rows, cols] = scale · Q_i K_jᵀ
                        BLAS.serialGemm(transA: false, transB: true, m: rows, n: cols, k: d, alpha: scale,
                                        a: qh + i0 * q.rowStride, lda: q.rowStride, b: kh + j0 * k.rowStride, ldb: k.rowStride,
                                        beta: 0, c: p, ldc: cols)
                        if let hide { maskHidden(p, rows: rows, cols: cols, i0: i0, j0: j0, offset: s.offset, keys: s.keys, hidden: hide) }
                        else if let seg { maskSegments(p, rows: rows, cols: cols, i0: i0, j0: j0, offset: s.offset, segments: seg) }
                        // Online softmax: m' = max(m, rowmax S), P = e^(S − m'), l = e^(m − m')·l + ΣP,
                        // O = e^(m − m')·O (+ P V below). Keys after a query's position get P = 0.
                        for r in 0..<rows {
                            let sr = p + r * cols, n = visible(r, i0: i0, j0: j0, cols: cols, offset: s.offset)
                            (sr + n).update(repeating: 0, count: cols - n)
                            let mx = max(m[r], VectorMath.max(sr, count: n))
                            if mx == -.infinity {                     // nothing visible in this tile yet
                                sr.update(repeating: 0, count: n); continue
                            }
                            let correction = m[r] == -.infinity ? 0 : fastExp(m[r] - mx)
                            l[r] = correction * l[r] + VectorMath.expSum(sr, count: n, minus: mx, into: sr, masked: masked)
                            if correction != 1 { let orow = o + r * d; for c in 0..<d { orow[c] *= correction } }
                            m[r] = mx
                        }
                        // O [rows, D] += P V_j
                        BLAS.serialGemm(transA: false, transB: false, m: rows, n: d, k: cols, alpha: 1,
                                        a: p, lda: cols, b: vh + j0 * v.rowStride, ldb: v.rowStride,
                                        beta: 1, c: o, ldc: d)
                    }
                    for r in 0..<rows {
                        let inv = 1 / l[r], orow = o + r * d, dst = oh + (i0 + r) * out.rowStride
                        for c in 0..<d { dst[c] = orow[c] * inv }
                        lse?[bh * s.queries + i0 + r] = m[r] + logf(l[r])
                    }
                }
            }
        }
    }

    /// Gradients of `forward` into dq, dk, dv (same layouts as q, k, v): with P = e^(S − L)
    /// recomputed tile by tile and Dᵢ = rowsum(dOᵢ ∘ Oᵢ),
    ///   dV = Pᵀ dO,  dP = dO Vᵀ,  dS = P ∘ (dP − D),  dQ = scale · dS K,  dK = scale · dSᵀ Q.
    /// Key-major: for each block of `backwardKeyBlock` keys, one tile holds every query that can
    /// see them, so dK and dV of those keys come out of one product each, written once; dQ
    /// collects one product per key block. With `accumulate: false` the buffers are written, not
    /// added to (a fresh gradient needs no zero-fill first). A (batch row, head) pair is one
    /// thread's work, so the sums always run in the same order.
    public static func backward(q: Heads, k: Heads, v: Heads, out: Heads, dOut: Heads, lse: UnsafePointer<Float>,
                                dq: Heads, dk: Heads, dv: Heads, shape s: Shape, segments: UnsafePointer<Int>?,
                                hidden: UnsafePointer<Float>? = nil, accumulate: Bool = true) {
        let d = s.headSize, scale = s.scale
        Parallel.forRanges(s.batch * s.heads, grain: s.grain) { range in
            let bk = min(backwardKeyBlock, s.keys)
            let pTile = Scratch(s.queries * bk), dTile = Scratch(s.queries * bk), rowDot = Scratch(s.queries)
            defer { [pTile, dTile, rowDot].forEach { $0.free() } }
            let p = pTile.p, ds = dTile.p, delta = rowDot.p
            for bh in range {
                let (b, h) = (bh / s.heads, bh % s.heads)
                let qh = q.head(b, h, size: d), kh = k.head(b, h, size: d), vh = v.head(b, h, size: d)
                let oh = out.head(b, h, size: d), gh = dOut.head(b, h, size: d)
                let dqh = dq.head(b, h, size: d), dkh = dk.head(b, h, size: d), dvh = dv.head(b, h, size: d)
                let seg = segments.map { $0 + b * s.keys }, L = lse + bh * s.queries
                let hide = hidden.map { $0 + b * s.queries * s.keys }, masked = seg != nil || hide != nil
                for i in 0..<s.queries {                                // Dᵢ = Σ_c dO[i, c] · O[i, c]
                    delta[i] = VectorMath.dot(gh + i * dOut.rowStride, oh + i * out.rowStride, count: d)
                }
                for j0 in stride(from: 0, to: s.keys, by: bk) {
                    let cols = min(bk, s.keys - j0)
                    let i0 = max(0, j0 - s.offset)                      // the first query that sees key j0
                    let rows = s.queries - i0
                    let kj = kh + j0 * k.rowStride, vj = vh + j0 * v.rowStride
                    let qi = qh + i0 * q.rowStride, gi = gh + i0 * dOut.rowStride
                    // S [rows, cols] = scale · Q_i K_jᵀ, then P = e^(S − L), hidden entries 0
                    BLAS.serialGemm(transA: false, transB: true, m: rows, n: cols, k: d, alpha: scale,
                                    a: qi, lda: q.rowStride, b: kj, ldb: k.rowStride, beta: 0, c: p, ldc: cols)
                    if let hide { maskHidden(p, rows: rows, cols: cols, i0: i0, j0: j0, offset: s.offset, keys: s.keys, hidden: hide) }
                    else if let seg { maskSegments(p, rows: rows, cols: cols, i0: i0, j0: j0, offset: s.offset, segments: seg) }
                    for r in 0..<rows {
                        let sr = p + r * cols, n = visible(r, i0: i0, j0: j0, cols: cols, offset: s.offset)
                        VectorMath.scaledExp(sr, count: n, minus: L[i0 + r], times: 1, into: sr, accumulate: false, masked: masked)
                        (sr + n).update(repeating: 0, count: cols - n)
                    }
                    // dV_j [cols, D] = Pᵀ dO_i: every query that sees these keys, in one product
                    BLAS.serialGemm(transA: true, transB: false, m: cols, n: d, k: rows, alpha: 1,
                                    a: p, lda: cols, b: gi, ldb: dOut.rowStride,
                                    beta: accumulate ? 1 : 0, c: dvh + j0 * dv.rowStride, ldc: dv.rowStride)
                    // dP [rows, cols] = dO_i V_jᵀ, then dS = P ∘ (dP − D) in place
                    BLAS.serialGemm(transA: false, transB: true, m: rows, n: cols, k: d, alpha: 1,
                                    a: gi, lda: dOut.rowStride, b: vj, ldb: v.rowStride, beta: 0, c: ds, ldc: cols)
                    for r in 0..<rows {
                        VectorMath.productOfDifference(p + r * cols, ds + r * cols, minus: delta[i0 + r], count: cols)
                    }
                    // dK_j [cols, D] = scale · dSᵀ Q_i;  dQ_i [rows, D] += scale · dS K_j (the first key
                    // block reaches every query, so it starts dQ when the buffer is fresh)
                    BLAS.serialGemm(transA: true, transB: false, m: cols, n: d, k: rows, alpha: scale,
                                    a: ds, lda: cols, b: qi, ldb: q.rowStride,
                                    beta: accumulate ? 1 : 0, c: dkh + j0 * dk.rowStride, ldc: dk.rowStride)
                    BLAS.serialGemm(transA: false, transB: false, m: rows, n: d, k: cols, alpha: scale,
                                    a: ds, lda: cols, b: kj, ldb: k.rowStride,
                                    beta: accumulate || j0 > 0 ? 1 : 0, c: dqh + i0 * dq.rowStride, ldc: dq.rowStride)
                }
            }
        }
    }

    /// How many keys of the tile starting at key j0 query row r (of the block starting at i0)
    /// may see: the keys up to its position i0 + r + offset (causal). The rest of its row is
    /// skipped and its weights set to 0, no −∞ written and no exponential spent on them.
    @inline(__always)
    static func visible(_ r: Int, i0: Int, j0: Int, cols: Int, offset: Int) -> Int {
        min(cols, max(0, i0 + r + offset + 1 - j0))
    }

    /// Packed examples: sets the scores [rows, cols] of query rows i0..., key columns j0... to −∞
    /// where the key (among those the causal rule lets it see) belongs to another example.
    @inline(__always)
    static func maskSegments(_ sc: UnsafeMutablePointer<Float>, rows: Int, cols: Int, i0: Int, j0: Int, offset: Int,
                             segments seg: UnsafePointer<Int>) {
        for r in 0..<rows {
            let pos = i0 + r + offset, row = sc + r * cols, own = seg[pos]
            for j in 0..<visible(r, i0: i0, j0: j0, cols: cols, offset: offset) where seg[j0 + j] != own { row[j] = -.infinity }
        }
    }

    /// A given mask: sets the scores [rows, cols] of query rows i0..., key columns j0... to −∞
    /// where `hidden` (this batch row's [Tq, keys]) is −∞, among the keys the causal rule reaches.
    @inline(__always)
    static func maskHidden(_ sc: UnsafeMutablePointer<Float>, rows: Int, cols: Int, i0: Int, j0: Int, offset: Int, keys: Int,
                           hidden h: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = sc + r * cols, given = h + (i0 + r) * keys + j0
            for j in 0..<visible(r, i0: i0, j0: j0, cols: cols, offset: offset) where given[j] == -.infinity { row[j] = -.infinity }
        }
    }

    /// A thread's tile memory.
    struct Scratch {
        let p: UnsafeMutablePointer<Float>
        init(_ n: Int) { p = .allocate(capacity: max(n, 1)) }
        func free() { p.deallocate() }
    }
}
