import Autograd
import Core
import SFT

extension Padding {
    // MARK: book last-token
    /// The flat index (row · T + position) of each row's last non-padding token in right-padded
    /// ids [B, T], as Hugging Face's `GPT2ForSequenceClassification` finds it: the rightmost
    /// position whose id is not `pad`. A row of nothing but padding points at its position 0.
    public static func lastTokenIndices(_ ids: [Int], rows: Int, pad: Int) -> [Int] {
        KitAnswer.used("lastTokenIndices", answers: "6.2")
        if let mine = LearnerCode.function("lastTokenIndices", as: LastTokenIndicesFunction.self) { return mine(ids, rows, pad) }
        precondition(rows > 0 && ids.count % rows == 0, "lastTokenIndices: \(ids.count) ids do not form \(rows) rows")
        let t = ids.count / rows
        return (0..<rows).map { r in
            var last = 0
            for p in 0..<t where ids[r * t + p] != pad { last = p }
            return r * t + last
        }
    }
    // MARK: end
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
