import Core

extension Variable {
    /// The raw `scores` masked by the learner's function (exercise 2.2, `course run transformer
    /// --mine`), one [Tq, Tk] block at a time, in place of the kit's masked scores (this
    /// variable). The two must agree exactly, −∞ included; the gradient (none through a masked
    /// score) is then the kit's.
    func learnerMasked(_ mine: CausalMaskFunction, scores: Tensor, queries tq: Int, keys tk: Int) -> Variable {
        let out = Tensor(uninitialized: shape)
        let block = tq * tk
        for start in stride(from: 0, to: scores.count, by: block) {
            let m = mine(Tensor([tq, tk], Array(UnsafeBufferPointer(start: scores.data + start, count: block))))
            precondition(m.count == block, "applyCausalMask returned \(m.count) scores for [\(tq), \(tk)]")
            (out.data + start).update(from: m.data, count: block)
        }
        return withLearnerValues(out, exercise: "2.2", what: "the masked scores", tolerance: 0)
    }
}

/// The shape of the function a learner plugs in with `course run transformer --mine` (see
/// `LearnerCode`): exercise 2.2's signature, without `throws`.
public typealias CausalMaskFunction = (Tensor) -> Tensor
