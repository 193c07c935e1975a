import Core
import Foundation

/// Exercise 1.4 — One optimiser step over a whole model: global gradient clipping, then AdamW.
///
/// `parameters[k]`, `gradients[k]`, `m[k]` and `v[k]` have the same shape: tensor k of the
/// model, its gradient and its two AdamW moments (zeros before the first step). `step` is t,
/// 1 for the first step. `weightDecay[k]` is the decay of tensor k (the training loop gives
/// 0 to biases and LayerNorm gains).
///
/// 1. Clipping: the global norm is the L2 norm of ALL gradients together, √(Σ over every
///    element of every tensor of g²). When it exceeds `maxNorm`, every gradient is scaled by
///    maxNorm / (norm + 1e-6), the same factor for all tensors; otherwise it is used as is.
/// 2. AdamW on every element with the (clipped) gradient: decoupled weight decay, the two
///    moments, their bias corrections and the update, as in the book's "Optimisers".
///
/// Update `parameters`, `m` and `v` in place (they are reference types) and return the norm
/// measured BEFORE clipping (the training loop logs it).
///
/// Example, η = 0.1, β = (0.9, 0.999), ε = 1e-8, maxNorm = 1, first step: tensors [1, −0.5]
/// (decay 0.01) and [2] (decay 0) with gradients [3, 0] and [4]: the norm is 5, the clipped
/// gradients ≈ [0.6, 0] and [0.8]; m ≈ [0.06, 0], [0.08]; v ≈ [0.00036, 0], [0.00064]; the
/// parameters become ≈ [0.899, −0.4995] and [1.9]; return 5.
public func clippedAdamWStep(parameters: [Tensor], gradients: [Tensor], m: [Tensor], v: [Tensor], step: Int,
                             learningRate: Float, beta1: Float, beta2: Float, eps: Float,
                             weightDecay: [Float], maxNorm: Float) throws -> Float {
    // The global norm, summed in Double: a model has millions of squares to add.
    var sumOfSquares: Double = 0
    for g in gradients {
        for i in 0..<g.count { sumOfSquares += Double(g[i]) * Double(g[i]) }
    }
    let norm = Float(sumOfSquares.squareRoot())
    // One factor for all tensors shortens the whole gradient and keeps its direction.
    let scale: Float = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1
    // Bias corrections, folded into a step size and a factor on √v once per step (PyTorch's
    // arrangement): m̂ / (√v̂ + ε) = (m / c1) / (√v / √c2 + ε).
    let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
    let stepSize = learningRate / c1, invRootC2 = 1 / c2.squareRoot()
    for k in parameters.indices {
        let p = parameters[k], g = gradients[k], mk = m[k], vk = v[k]
        let decay = 1 - learningRate * weightDecay[k]
        for i in 0..<p.count {
            let gi = g[i] * scale
            p[i] *= decay   // decoupled: the decay never enters the moments
            mk[i] = beta1 * mk[i] + (1 - beta1) * gi
            vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi
            p[i] -= stepSize * mk[i] / (vk[i].squareRoot() * invRootC2 + eps)
        }
    }
    return norm
}
