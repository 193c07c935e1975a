import Core

/// Exercise 6.2 — The last real token of right-padded sequences.
///
/// `ids` holds `rows` sequences of equal length T = ids.count / rows, row after row. Each was
/// padded on the right with `pad` to the longest one. A reward model reads its score at each
/// sequence's LAST REAL token, the rightmost position whose id is not `pad` (the rule of Hugging
/// Face's `GPT2ForSequenceClassification`; a pad id inside a sequence does not end it).
///
/// Return, for each row r, the flat index r · T + p of that position p (0 for a row holding
/// nothing but padding).
///
///   ids [5, 6, 0, 0,  7, 8, 9, 4], rows 2, pad 0  →  [1, 7]
public func lastTokenIndices(_ ids: [Int], rows: Int, pad: Int) throws -> [Int] {
    // Write your code here, then run `swift run course check 6`.
    throw Todo("6.2")
}
