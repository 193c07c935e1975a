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
    struct Pair: Hashable { var left: Int, right: Int }
    // Count the pairs: a word that occurs c times contributes c for each place a pair sits.
    var pairCounts: [Pair: Int] = [:]
    for (word, count) in words where word.count > 1 {
        for i in 0..<(word.count - 1) { pairCounts[Pair(left: word[i], right: word[i + 1]), default: 0] += count }
    }
    // The most frequent pair; among equal counts the smaller (left, right) wins, so training
    // never depends on the order a dictionary happens to list its entries in.
    guard let best = pairCounts.min(by: { a, b in
        a.value != b.value ? a.value > b.value : (a.key.left, a.key.right) < (b.key.left, b.key.right)
    })?.key else { return nil }
    // Merge it in every word: when the pair starts at i, both tokens are used up (no overlaps).
    var merged: [[Int]: Int] = [:]
    for (word, count) in words {
        var out: [Int] = []
        var i = 0
        while i < word.count {
            if i + 1 < word.count, word[i] == best.left, word[i + 1] == best.right {
                out.append(newID)
                i += 2
            } else {
                out.append(word[i])
                i += 1
            }
        }
        merged[out, default: 0] += count
    }
    return (best.left, best.right, merged)
}

