import Core

/// Exercise 1.4's function: one step over all parameters (global gradient clipping, then
/// AdamW) on the tensors it is given, updated in place; it returns the norm before clipping.
public typealias ClippedAdamWStepFunction = (_ parameters: [Tensor], _ gradients: [Tensor], _ m: [Tensor], _ v: [Tensor], _ step: Int,
                                             _ learningRate: Float, _ beta1: Float, _ beta2: Float, _ eps: Float,
                                             _ weightDecay: [Float], _ maxNorm: Float) -> Float

extension AdamW {
    /// One step with the gradients scaled so that their global norm is at most `maxNorm`;
    /// `norm` is `gradNorm(parameters)`, measured by the caller, which stops on a non-finite
    /// one before any weight moves. Returns the norm to log.
    ///
    /// Under `course run transformer --mine` the learner's step (exercise 1.4) takes it instead,
    /// on the optimiser's own moments, and measures the norm itself: that norm is logged, and
    /// it must agree with the caller's.
    public func clippedStep(norm: Float, maxNorm: Float) -> Float {
        guard let mine = LearnerCode.function("clippedAdamWStep", as: ClippedAdamWStepFunction.self) else {
            step(gradientScale: clipScale(norm: norm, maxNorm: maxNorm))
            return norm
        }
        let k = parameters.indices.filter { parameters[$0].requiresGrad && parameters[$0].grad != nil }
        t += 1
        let measured = mine(k.map { parameters[$0].value }, k.map { parameters[$0].grad! }, k.map { m[$0] }, k.map { v[$0] }, t,
                            learningRate, beta1, beta2, eps, k.map { decays[$0] ? weightDecay : 0 }, maxNorm)
        LearnerCode.requireAgreement([measured], [norm], exercise: "1.4", what: "the gradients' global norm")
        return measured
    }
}
