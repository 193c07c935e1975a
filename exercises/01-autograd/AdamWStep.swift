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
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.4")
}
