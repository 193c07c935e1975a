import Autograd
import Core
import SFT

extension Padding {
    // MARK: book last-token
    /// The flat index (row · T + position) of each row's last non-padding token in right-padded
    /// ids [B, T], as Hugging Face's `GPT2ForSequenceClassification` finds it: the rightmost
    /// position whose id is not `pad`. A row of nothing but padding points at its position 0.
    public static func lastTokenIndices(_ ids: [Int], rows: Int, pad: Int) -> [Int] {
        KitAnswer.used("Padding.lastTokenIndices", answers: "6.2")
        precondition(rows > 0 && ids.count % rows == 0, "lastTokenIndices: \(ids.count) ids do not form \(rows) rows")
        let t = ids.count / rows
        return (0..<rows).map { r in
            var last = 0
            for p in 0..<t where ids[r * t + p] != pad { last = p }
            return r * t + last
        }
    }

    /// The batch a reward-model step reads: B preference pairs as one right-padded [2B, T]
    /// batch, the chosen sequences first and then the rejected ones (row k and row B + k are
    /// pair k; T is the longest of the 2B), with each row's last real token as a flat index.
    public static func pairBatch(_ pairs: [(chosen: [Int], rejected: [Int])], pad: Int) -> (ids: [Int], last: [Int]) {
        KitAnswer.used("Padding.pairBatch", answers: "6.2")
        if let mine = LearnerCode.function("pairBatch", as: PairBatchFunction.self) { return learnerPairBatch(pairs, pad, mine) }
        if pairs.isEmpty { return ([], []) }
        let (ids, _) = right(pairs.map(\.chosen) + pairs.map(\.rejected), pad: pad)
        return (ids, lastTokenIndices(ids, rows: 2 * pairs.count, pad: pad))
    }
    // MARK: end

    /// The pair batch built by the learner's function (exercise 6.2); its shapes are checked,
    /// its numbers were checked by `course check 6`.
    static func learnerPairBatch(_ pairs: [(chosen: [Int], rejected: [Int])], _ pad: Int, _ mine: PairBatchFunction) -> (ids: [Int], last: [Int]) {
        let r = mine(pairs, pad)
        let t = pairs.flatMap { [$0.chosen.count, $0.rejected.count] }.max() ?? 0
        precondition(r.ids.count == 2 * pairs.count * t && r.last.count == 2 * pairs.count,
                     "pairBatch returned \(r.ids.count) ids and \(r.last.count) indices for \(2 * pairs.count) rows of \(t)")
        return r
    }
}

extension Variable {
    /// Rows of a [N, C] variable picked by index -> [indices.count, C]; the gradient flows back
    /// into the picked rows only. (The same operation as an embedding lookup, with the hidden
    /// states as the table.) The reward model's gather: exercise 6.3 writes it and its backward.
    public func rows(_ indices: [Int]) -> Variable {
        KitAnswer.used("Variable.rows", answers: "6.3")
        precondition(shape.count == 2, "rows(_:) needs a [N, C] variable, got \(shape)")
        return Variable.embedding(self, ids: indices)
    }
}
