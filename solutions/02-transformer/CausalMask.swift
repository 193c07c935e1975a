import Core

/// Exercise 2.2 — The causal mask.
///
/// `scores` holds attention scores [B, H, T_q, T_k]: for batch row b and head h, a block
/// [T_q, T_k] whose row i is query i and column j is key j, with T_q ≤ T_k. (A single block
/// [T_q, T_k] is also allowed: B = H = 1.) The queries are the LAST T_q positions of the
/// sequence: with a KV cache, the first offset = T_k − T_q keys belong to tokens seen in earlier
/// steps (offset = 0 without one). Query i therefore sits at position p = offset + i and may
/// look at keys 0...p, never at a later one.
///
/// `segments` (nil for an ordinary batch) is given for PACKED rows (Chapter 3): one example
/// number per position, [B · T_k], row b's numbers at b · T_k ..< (b + 1) · T_k. Then a query
/// may also not look at a key of another example: query i of row b sees key j only when
/// j ≤ p AND segments[b·T_k + j] == segments[b·T_k + p]. Padding has segment −1 and follows the
/// same rule: a padding position only sees the padding before it and itself, never an example.
/// All H heads of a row share the row's segments. (The kit packs only for training: with
/// segments, T_q = T_k.)
///
/// Return a NEW tensor of the same shape: every score a query may not see set to −∞
/// (`-Float.infinity`, which softmax turns into weight 0), all others copied unchanged.
/// Leave `scores` itself untouched.
///
///   [3, 3], offset 0:  row 0 keeps column 0; row 1 keeps 0...1; row 2 keeps all.
///   [1, 4], offset 3:  the single query (the newest token) keeps all four keys.
///   [1, 1, 4, 4], segments [0, 0, 1, 1]:  rows 0, 1 keep 0 and 0...1; row 2 keeps only
///                      column 2 (its example starts there); row 3 keeps 2...3.
public func applyCausalMask(_ scores: Tensor, segments: [Int]?) throws -> Tensor {
    let rank = scores.shape.count
    guard rank == 2 || rank == 4 else { throw CourseError("applyCausalMask: scores must be [T_q, T_k] or [B, H, T_q, T_k], got \(scores.shape)") }
    let tq = scores.shape[rank - 2], tk = scores.shape[rank - 1]
    let heads = rank == 4 ? scores.shape[1] : 1
    let blocks = scores.count / (tq * tk)                  // B · H blocks of [T_q, T_k]
    let offset = tk - tq
    if let segments, segments.count != (blocks / heads) * tk {
        throw CourseError("applyCausalMask: \(segments.count) segment ids for scores \(scores.shape)")
    }
    let out = scores.copy()
    for block in 0..<blocks {
        let row = (block / heads) * tk                     // where the batch row's segments start
        for i in 0..<tq {
            let p = offset + i                             // the query's position
            for j in 0..<tk {
                let later = j > p
                let otherExample = segments.map { $0[row + j] != $0[row + p] } ?? false
                if later || otherExample { out[block * tq * tk + i * tk + j] = -Float.infinity }
            }
        }
    }
    return out
}
