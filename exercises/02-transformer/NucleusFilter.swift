import Core

/// Exercise 2.5 — Top-p (nucleus) filtering.
///
/// `probs` is a probability distribution over the vocabulary (non-negative, sums to 1).
/// Keep the smallest set of most likely tokens whose total probability reaches `p`:
///
///   1. Order the token ids by probability, highest first; on equal probabilities the lower
///      id comes first.
///   2. Walk that order adding probabilities up; keep each token you add, and stop right
///      AFTER the token that brings the running total to ≥ p (that token is kept).
///   3. Return a vector of the same length: kept tokens get probs[i] / (their total), every
///      other token 0.
///
/// If p ≥ 1, return `probs` unchanged.
///   [0.5, 0.25, 0.125, 0.125], p = 0.75 → [2/3, 1/3, 0, 0]
///   [0.1, 0.6, 0.3],           p = 0.7  → [0, 2/3, 1/3]
public func nucleusFilter(_ probs: [Float], p: Float) throws -> [Float] {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.5")
}
