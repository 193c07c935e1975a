import Core
import Foundation

/// Exercise 3.5 — A train/eval leakage check.
///
/// An evaluation prompt that also appears in the training data measures memory, not skill.
/// Return the indices (ascending) of the `eval` prompts that occur in `train` after
/// normalisation: lower-cased, and every run of whitespace (spaces, tabs, newlines) collapsed
/// to one space, with leading and trailing whitespace removed.
public func leakedPrompts(train: [String], eval: [String]) throws -> [Int] {
    // Write your code here, then run `swift run course check 3`.
    throw Todo("3.5")
}
