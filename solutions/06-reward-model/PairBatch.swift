import Core

/// Exercise 6.2 — The reward model's pair batch.
///
/// A training step of the reward model scores B preference pairs in ONE forward pass. Build
/// the batch it reads from `pairs` (each the token ids of prompt + chosen reply and of prompt +
/// rejected reply) and the padding id `pad`:
///   ids  – [2B · T], row after row: the B chosen sequences first, in order, then the B rejected
///          ones (so row k and row B + k are pair k), each followed by `pad` up to T, the length
///          of the longest of the 2B sequences;
///   last – [2B]: for each row r, the flat index r · T + p of the position p the reward is read
///          at. That is the rule of Hugging Face's `GPT2ForSequenceClassification`, which sees
///          only the ids: the rightmost position whose id is not `pad` (a pad id inside a
///          sequence does not end it; a sequence that ends with pad ids is read before them),
///          and position 0 for a row holding nothing but padding.
/// No pairs: no ids and no indices.
///
/// Example: pairs ([5, 6, 7], [5, 8]) and ([9, 4, 3, 2], [9]), pad 0 → T = 4,
///   ids  [5, 6, 7, 0,  9, 4, 3, 2,  5, 8, 0, 0,  9, 0, 0, 0],  last [2, 7, 9, 12].
public func pairBatch(_ pairs: [(chosen: [Int], rejected: [Int])], pad: Int) throws -> (ids: [Int], last: [Int]) {
    // Chosen rows first, then rejected: the loss splits the 2B rewards at B.
    let rows = pairs.map(\.chosen) + pairs.map(\.rejected)
    let t = rows.map(\.count).max() ?? 0        // right padding to the longest sequence of the batch
    var ids: [Int] = [], last: [Int] = []
    ids.reserveCapacity(rows.count * t)
    for (r, sequence) in rows.enumerated() {
        ids += sequence + [Int](repeating: pad, count: t - sequence.count)
        // Read the reward where the model will find it from the ids alone: the rightmost
        // non-pad position, not sequence.count − 1 (a sequence may end in the pad id).
        var p = 0
        for (i, id) in sequence.enumerated() where id != pad { p = i }
        last.append(r * t + p)
    }
    return (ids, last)
}
