import Core

/// Exercise 2.1 — One round of BPE training.
///
/// BPE training starts from the bytes and, round after round, adds the most frequent pair of
/// adjacent tokens as a new token. Merges never cross a word, so the corpus is given as its
/// distinct words, each a list of token ids, with the number of times it occurs. One round:
///
///   - count every adjacent pair, each occurrence weighted by its word's count;
///   - pick the most frequent pair; ties go to the smaller left id, then the smaller right id;
///   - in every word, replace that pair by `newID`, left to right, without overlaps
///     (a, a, a with the pair (a, a) becomes new, a);
///   - return the pair and the updated words (same counts), or nil when no word has two tokens.
///
/// Example (the book's corpus, "tea" ×5, "team" ×3, "steam" ×2, "eat" ×4, letters standing
/// for their ids): e+a is counted 5 + 3 + 2 + 4 = 14 times, more than any other pair, so the
/// round returns (e, a) and t·ea ×5, t·ea·m ×3, s·t·ea·m ×2, ea·t ×4, where ea is `newID`.
///
///   [[1, 2]: 3, [2, 1, 2]: 1]  with newID 9  →  pair (1, 2) (4 times), [[9]: 3, [2, 9]: 1]
public func bpeTrainingRound(words: [[Int]: Int], newID: Int) throws -> (left: Int, right: Int, words: [[Int]: Int])? {
    // Write your code here, then run `swift run course check 2`.
    throw Todo("2.1")
}
