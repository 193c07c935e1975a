import Core
import Foundation

/// Exercise 2.5 — One sampling step: the next token from the model's logits.
///
/// `logits` are the scores of the last position, one per vocabulary id. `u` is a uniform random
/// number in [0, 1) (the caller draws it, so the step itself is deterministic). Return a token id:
///
///   0. Greedy: if `temperature` is 0, return the id of the largest logit (the lowest id on
///      ties) and ignore everything else.
///   1. Temperature: probs = softmax(logits / temperature). Subtract the largest scaled logit
///      before exponentiating (`expf`), so logits in the hundreds do not overflow.
///   2. Top-k: if 0 < topK < the number of ids, keep the topK most likely tokens (on equal
///      probabilities the lower id first), set the others to 0, and divide the kept ones by
///      their sum. topK = 0 means no limit.
///   3. Top-p, on what top-k left: if topP < 1, order the ids by probability (highest first,
///      the lower id on ties), add them up in that order and keep every token up to and
///      including the one that brings the running total to ≥ topP; zero the rest and divide
///      the kept ones by their sum. topP ≥ 1 means no filter.
///   4. Draw (inverse CDF), walking the ids in id order (0, 1, 2, ..., not by probability):
///      target = u × (sum of the final probabilities), then add the probabilities of the kept
///      (non-zero) tokens one by one and return the first id whose running total EXCEEDS the
///      target (strictly: a target exactly on a boundary belongs to the next token). If
///      round-off lets the walk end without returning, return the last kept id.
///      Do the sum and the running total of step 4 in Double: that is how the kit's sampler
///      draws, and your choice must match its choice token for token.
///
///   logits [1, 3, 3, 0, 2], temperature 1, topK 2, topP 1: ids 1 and 2 are kept at 0.5 each;
///   u = 0.3 → 1, u = 0.5 → 2 (0.5 is not below 0.5), u = 0.7 → 2.
///   Same logits, temperature 0 → 1 (the first of the two largest).
public func sampleNextToken(logits: [Float], temperature: Float, topK: Int, topP: Float,
                            uniform u: Float) throws -> Int {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.5")
}
