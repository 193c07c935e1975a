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
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.3")
}
