import Core

/// Exercise 6.3 — The reward head, forward and backward.
///
/// `hidden` holds the backbone's final hidden states [B, T, C]; `lastIndex[b]` is the POSITION
/// (0..<T) of sequence b's last real token (the kit passes 6.2's flat index r·T + p reduced to
/// p); `head` is the scalar head's weight [1, C] (Hugging Face's `score.weight`, a linear layer
/// without bias). The reward of sequence b is the dot product of the head with the hidden state
/// at that position:
///
///     reward[b] = Σ_c head[0, c] · hidden[b, lastIndex[b], c]
///
/// `rewardsFromHidden`: return the B rewards.
///
/// `rewardHeadBackward`: given `upstream[b]` = dL/d reward[b] for some loss L, return
///
///     dL/d head[0, c]             = Σ_b upstream[b] · hidden[b, lastIndex[b], c]      [1, C]
///     dL/d hidden[b, lastIndex[b], c] = upstream[b] · head[0, c]                     [B, T, C]
///
/// with every other element of the hidden states' gradient zero: the head read only one
/// position of each sequence.
public func rewardsFromHidden(_ hidden: Tensor, lastIndex: [Int], head: Tensor) throws -> [Float] {
    let (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    return (0..<b).map { row in
        let base = (row * t + lastIndex[row]) * c
        var s: Float = 0
        for j in 0..<c { s += head[j] * hidden[base + j] }
        return s
    }
}

/// The gradients of the rewards' loss with respect to the head [1, C] and the hidden states
/// [B, T, C], from the gradient with respect to each reward, `upstream` [B].
public func rewardHeadBackward(hidden: Tensor, lastIndex: [Int], head: Tensor, upstream: [Float]) throws
    -> (head: Tensor, hidden: Tensor) {
    let (b, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    let dHead = Tensor(zeros: [1, c]), dHidden = Tensor(zeros: [b, t, c])
    for row in 0..<b {
        let base = (row * t + lastIndex[row]) * c
        for j in 0..<c {
            dHead[j] += upstream[row] * hidden[base + j]     // every row read the same head: sum
            dHidden[base + j] = upstream[row] * head[j]      // only the position the head read
        }
    }
    return (dHead, dHidden)
}
