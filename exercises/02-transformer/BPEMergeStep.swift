import Core

/// Exercise 2.1 — One BPE merge step.
///
/// A merge rule says: wherever token `left` is immediately followed by token `right`, the two
/// become the single token `newID`. Scan `tokens` from left to right. At position i, if
/// tokens[i] == left and tokens[i + 1] == right, emit `newID` and continue at i + 2 (both
/// tokens are used up, so occurrences never overlap); otherwise emit tokens[i] and continue at
/// i + 1. Return the new list.
///
///   [1, 2, 3, 1, 2]  with (1, 2) → 9   gives [9, 3, 9]
///   [5, 5, 5]        with (5, 5) → 7   gives [7, 5]      (not [7, 7])
///
/// The tokenizer's encoder calls this again and again on one word, each time with the
/// lowest-ranked merge whose pair occurs in it, until no pair has a merge.
public func mergePair(_ tokens: [Int], left: Int, right: Int, into newID: Int) throws -> [Int] {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.1")
}
