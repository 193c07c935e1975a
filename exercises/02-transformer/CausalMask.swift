import Core

/// Exercise 2.2 — The causal mask.
///
/// `scores` holds attention scores [T_q, T_k]: row i is query i, column j is key j, and
/// T_q ≤ T_k. The queries are the LAST T_q positions of the sequence. Without a KV cache
/// T_q = T_k; with one, the first offset = T_k − T_q keys belong to tokens seen in earlier
/// steps. Query i therefore sits at position offset + i and may look at keys 0...offset + i,
/// never at a later one.
///
/// Return a NEW tensor of the same shape: every score with j > offset + i set to −∞
/// (`-Float.infinity`, which softmax turns into weight 0), all others copied unchanged.
/// Leave `scores` itself untouched.
///
///   [3, 3], offset 0:  row 0 keeps column 0; row 1 keeps 0...1; row 2 keeps all.
///   [1, 4], offset 3:  the single query (the newest token) keeps all four keys.
public func applyCausalMask(_ scores: Tensor) throws -> Tensor {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.2")
}
