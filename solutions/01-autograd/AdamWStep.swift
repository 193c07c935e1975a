import Core
import Foundation

/// Exercise 1.4 — One AdamW step, in place.
///
/// Decoupled weight decay, then the two running moments of the gradient, their bias
/// corrections (t = `step`, 1 for the first step), and the update; the book's "Optimisers"
/// gives the formulas in that order, and a worked first step.
/// Update `parameter`, `m` and `v` in place (they are reference types).
public func adamwStep(parameter: Tensor, gradient: Tensor, m: Tensor, v: Tensor, step: Int,
                      learningRate: Float, beta1: Float, beta2: Float, eps: Float, weightDecay: Float) throws {
    let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
    for i in 0..<parameter.count {
        let g = gradient[i]
        parameter[i] -= learningRate * weightDecay * parameter[i]
        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g
        parameter[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
    }
}
