import Core

/// Exercise 6.3 — Reading the reward off the hidden states.
///
/// `hidden` holds the backbone's final hidden states [B, T, C]; `lastIndex[b]` is the position
/// (0..<T) of sequence b's last real token; `head` is the scalar head's weight [1, C] (Hugging
/// Face's `score.weight`, a linear layer without bias). The reward of sequence b is the dot
/// product of the head with the hidden state at that position:
///
///     reward[b] = Σ_c head[0, c] · hidden[b, lastIndex[b], c]
///
/// Return the B rewards.
public func rewardsFromHidden(_ hidden: Tensor, lastIndex: [Int], head: Tensor) throws -> [Float] {
    let (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    return (0..<b).map { row in
        let base = (row * t + lastIndex[row]) * c
        var s: Float = 0
        for j in 0..<c { s += head[j] * hidden[base + j] }
        return s
    }
}
