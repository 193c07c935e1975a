/// The causal (and block-diagonal) attention mask: the loops behind `Variable.causalMask`
/// (Chapter 1), which states the rule. Serial: it only writes a constant into entries, and
/// the scores of a small model are too few to be worth a thread.
public enum CausalMask {
    /// Writes `fill` into every entry of scores [blocks, tq, tk] that a query may not see:
    /// query i (absolute position i + offset, offset = tk − tq) sees keys j ≤ i + offset, and,
    /// with `segments` (one example number per key position of each batch row, [B·tk], tq == tk),
    /// only keys of its own example. `headsPerRow` blocks share a batch row's segments (the heads).
    public static func fill(_ scores: UnsafeMutablePointer<Float>, blocks: Int, queries tq: Int, keys tk: Int,
                            headsPerRow perRow: Int, segments: [Int]?, with fill: Float) {
        KitAnswer.used("CausalMask.fill", answers: "2.2")
        let offset = tk - tq
        for blk in 0..<blocks {
            let s = scores + blk * tq * tk
            let seg = segments.map { Array($0[((blk / perRow) * tk)..<((blk / perRow + 1) * tk)]) }
            for i in 0..<tq {
                if i + offset + 1 < tk { for j in (i + offset + 1)..<tk { s[i * tk + j] = fill } }
                if let seg { for j in 0...(i + offset) where seg[j] != seg[i] { s[i * tk + j] = fill } }
            }
        }
    }
}
