import Core
import Foundation

/// Exercise 3.5 — A train/eval leakage check.
///
/// An evaluation prompt that also appears in the training data, exactly or with a word or two
/// changed, measures memory, not skill. Normalise every prompt (lower-cased, split on
/// whitespace: spaces, tabs, newlines) and cut its words into shingles: every run of `n`
/// consecutive words; a text of fewer than `n` words (even none) is one shingle of all its
/// words. The similarity of two prompts is the Jaccard index of their shingle sets,
/// |A ∩ B| / |A ∪ B| (1 for the same text after normalisation). For each `eval` prompt, find
/// the most similar `train` prompt (the lowest index among equally similar ones); the eval
/// prompt leaks when that similarity is at least `threshold` (0 < threshold ≤ 1). Return the
/// leaks in ascending eval index: the eval index, the training index and the similarity.
public func leakedPrompts(train: [String], eval: [String], n: Int, threshold: Double) throws
    -> [(eval: Int, train: Int, similarity: Double)] {
    // Write your code here, then run `swift run course check 3`.
    throw Todo("3.5")
}
