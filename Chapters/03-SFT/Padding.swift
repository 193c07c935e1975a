import Core

/// Sequences of different lengths in one batch: right padding, and finding each row's last
/// real token again.
public enum Padding {
    /// Right padding: each sequence followed by `pad` up to the longest one in the batch.
    /// Returns the ids [B * T] (row-major) and T. With a causal mask the padding after a
    /// token cannot change that token's hidden state, so no attention mask is needed.
    public static func right(_ sequences: [[Int]], pad: Int) -> (ids: [Int], length: Int) {
        let t = sequences.map(\.count).max() ?? 0
        var ids: [Int] = []
        ids.reserveCapacity(sequences.count * t)
        for s in sequences { ids += s + Array(repeating: pad, count: t - s.count) }
        return (ids, t)
    }
}
