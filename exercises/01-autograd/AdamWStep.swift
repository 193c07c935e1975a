import Core
import Foundation

/// Exercise 1.5 — One AdamW step, in place.
///
/// For every element, with t = `step` (1 for the first step):
///   p ← p − lr·wd·p                      (decoupled weight decay, applied first)
///   m ← β1·m + (1−β1)·g ;  v ← β2·v + (1−β2)·g²
///   p ← p − lr · m̂ / (√v̂ + ε),  m̂ = m / (1−β1ᵗ),  v̂ = v / (1−β2ᵗ)
/// Update `parameter`, `m` and `v` in place (they are reference types).
public func adamwStep(parameter: Tensor, gradient: Tensor, m: Tensor, v: Tensor, step: Int,
                      learningRate: Float, beta1: Float, beta2: Float, eps: Float, weightDecay: Float) throws {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.5")
}
