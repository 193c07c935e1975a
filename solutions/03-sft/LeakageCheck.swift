import Foundation

/// Exercise 3.5 — A train/eval leakage check.
///
/// An evaluation prompt that also appears in the training data measures memory, not skill.
/// Return the indices (ascending) of the `eval` prompts that occur in `train` after
/// normalisation: lower-cased, and every run of whitespace (spaces, tabs, newlines) collapsed
/// to one space, with leading and trailing whitespace removed.
public func leakedPrompts(train: [String], eval: [String]) throws -> [Int] {
    func normalise(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
    let seen = Set(train.map(normalise))
    return eval.indices.filter { seen.contains(normalise(eval[$0])) }
}
