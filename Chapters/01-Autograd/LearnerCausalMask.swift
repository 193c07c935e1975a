import Core

extension Variable {
    /// The raw `scores` [..., Tq, Tk] masked by the learner's function (exercise 2.2, `course run
    /// transformer --mine`), in place of the kit's masked scores (this variable). The two must
    /// agree exactly, −∞ included; the gradient (none through a masked score) is then the kit's.
    func learnerMasked(_ mine: CausalMaskFunction, scores: Tensor, segments: [Int]?) -> Variable {
        let r = shape.count, (tq, tk) = (shape[r - 2], shape[r - 1])
        let heads = r >= 4 ? shape[r - 3] : 1
        // The exercise takes [Tq, Tk] or [B, H, Tq, Tk]: other ranks are seen as the latter.
        let blocks = r == 2 || r == 4 ? scores : scores.reshaped([scores.count / (heads * tq * tk), heads, tq, tk])
        let m = mine(blocks, segments)
        precondition(m.count == scores.count, "applyCausalMask returned \(m.count) scores for \(shape)")
        return withLearnerValues(m, exercise: "2.2", what: "the masked scores", tolerance: 0)
    }

    /// The fused attention's mask under `--mine`: the learner's function applied to zero scores
    /// [B, 1, Tq, Tk] (one head: a batch row's heads share it), so −∞ marks each hidden key and
    /// 0 each visible one. It must hide exactly what the kit's rule hides (`CausalMask.fill`):
    /// the kernel then hides the keys the learner's mask hides. [B, Tq, Tk] as one tensor.
    static func learnerMask(_ mine: CausalMaskFunction, batch b: Int, queries tq: Int, keys tk: Int, segments: [Int]?) -> Tensor {
        let m = mine(Tensor(zeros: [b, 1, tq, tk]), segments)
        precondition(m.count == b * tq * tk, "applyCausalMask returned \(m.count) scores for [\(b), 1, \(tq), \(tk)]")
        let kit = Tensor(zeros: [b, 1, tq, tk])
        CausalMask.fill(kit.data, blocks: b, queries: tq, keys: tk, headsPerRow: 1, segments: segments, with: -.infinity)
        LearnerCode.requireAgreement(UnsafeBufferPointer(start: m.data, count: m.count), UnsafeBufferPointer(start: kit.data, count: kit.count),
                                     exercise: "2.2", what: "the attention mask (zero scores, masked)", tolerance: 0)
        return m
    }
}

/// The shape of the function a learner plugs in with `course run transformer --mine` (see
/// `LearnerCode`): exercise 2.2's signature, without `throws`.
public typealias CausalMaskFunction = (_ scores: Tensor, _ segments: [Int]?) -> Tensor
