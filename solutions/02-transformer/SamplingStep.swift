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
    if temperature == 0 {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
    }
    // softmax(logits / T), the largest scaled logit subtracted first: every exponent is ≤ 0.
    let scaled = logits.map { $0 / temperature }
    let m = scaled.max() ?? 0
    var probs = scaled.map { expf($0 - m) }
    let s = probs.reduce(0, +)
    probs = probs.map { $0 / s }

    // Keeps the most likely tokens (lower id first on ties) until `done(count, mass)` says
    // stop, zeroes the rest and renormalises the kept ones.
    func keepMostLikely(_ probs: [Float], until done: (Int, Float) -> Bool) -> [Float] {
        let order = probs.indices.sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        var kept = [Float](repeating: 0, count: probs.count)
        var mass: Float = 0
        for (n, i) in order.enumerated() {
            kept[i] = probs[i]
            mass += probs[i]
            if done(n + 1, mass) { break }
        }
        return kept.map { $0 / mass }
    }
    if topK > 0 && topK < probs.count { probs = keepMostLikely(probs) { n, _ in n == topK } }
    if topP < 1 { probs = keepMostLikely(probs) { _, mass in mass >= topP } }

    // Inverse CDF in id order: the first kept id whose running total exceeds u × total.
    let target = Double(u) * probs.reduce(0.0) { $0 + Double($1) }
    var total: Double = 0
    var last = 0
    for (i, p) in probs.enumerated() where p > 0 {
        total += Double(p)
        last = i
        if target < total { return i }
    }
    return last
}
