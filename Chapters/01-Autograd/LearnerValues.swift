import Core

extension Variable {
    /// `values` (computed by a learner's function under `--mine`) in place of this variable's
    /// own, with the gradient passing through to this node unchanged. The learner's function
    /// returns no gradient, so the kit's is used, and only after checking that the two agree
    /// (`LearnerCode.requireAgreement`): the kit's gradient is the gradient of the learner's
    /// values only when they are the same function.
    public func withLearnerValues(_ values: Tensor, exercise: String, what: String, tolerance: Float = 1e-3) -> Variable {
        LearnerCode.requireAgreement(UnsafeBufferPointer(start: values.data, count: values.count),
                                     UnsafeBufferPointer(start: value.data, count: value.count),
                                     exercise: exercise, what: what, tolerance: tolerance)
        let mine = values.shape == shape ? values : values.reshaped(shape)
        return Variable(mine, parents: [self], name: "learner_\(exercise)") { g in self.accumulate(g.copy()) }
    }
}
