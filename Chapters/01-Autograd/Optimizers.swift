import Core
import Foundation

/// Something that updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    var parameters: [Variable] { get }
    var learningRate: Float { get set }
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient (call before accumulating the next batch).
    public func zeroGrad() { for p in parameters { p.grad = nil } }
}

/// Stochastic gradient descent with (PyTorch-style) momentum: v = mu*v + g; p -= lr*v.
public final class SGD: Optimizer {
    public let parameters: [Variable]
    public var learningRate: Float
    public let momentum: Float
    var velocity: [Tensor?]

    public init(_ parameters: [Variable], learningRate: Float, momentum: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        velocity = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (i, p) in parameters.enumerated() where p.requiresGrad {
            guard let g = p.grad else { continue }
            var update = g
            if momentum != 0 {
                if let v = velocity[i] { v.scale(by: momentum); v.add(g); update = v } else { velocity[i] = g.copy(); update = velocity[i]! }
            }
            p.value.add(update, scaled: -learningRate)
        }
    }
}

// MARK: book adamw
/// AdamW (Loshchilov & Hutter), as PyTorch computes it:
///   p ← p − lr·wd·p                       (decoupled weight decay)
///   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
///   p ← p − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
public final class AdamW: Optimizer {
    public let parameters: [Variable]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    /// First and second moment estimates, one per parameter; and the step count t.
    public internal(set) var m: [Tensor], v: [Tensor]
    public internal(set) var t = 0
    /// Which parameters decay (nanoGPT's rule: matrices do, biases and LayerNorm gains don't).
    let decays: [Bool]

    public init(_ parameters: [Variable], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01, decayMatricesOnly: Bool = false) {
        self.parameters = parameters
        decays = parameters.map { !decayMatricesOnly || $0.shape.count >= 2 }
        self.learningRate = learningRate
        (self.beta1, self.beta2, self.eps, self.weightDecay) = (beta1, beta2, eps, weightDecay)
        m = parameters.map { Tensor(zeros: $0.shape) }
        v = parameters.map { Tensor(zeros: $0.shape) }
    }

    public func step() { step(gradientScale: 1) }

    /// One update with every gradient multiplied by `gradientScale` as it is read: gradient
    /// clipping's scale (see `Trainer.step`) costs no extra pass over the gradients. One pass
    /// per parameter reads and writes p, m and v together.
    public func step(gradientScale gs: Float) {
        KitAnswer.used("AdamW.step", answers: "1.4")
        t += 1
        let c1 = 1 - Foundation.pow(beta1, Float(t)), c2 = 1 - Foundation.pow(beta2, Float(t))
        for (i, p) in parameters.enumerated() where p.requiresGrad {
            guard let g = p.grad else { continue }
            let w = p.value.data, gd = g.data, md = m[i].data, vd = v[i].data
            let decay = decays[i] ? 1 - learningRate * weightDecay : 1
            let (b1, b2, e) = (beta1, beta2, eps)
            // PyTorch's arrangement of the same update: lr/c1 and 1/√c2 once per tensor, so each
            // element costs one square root and one division.
            let stepSize = learningRate / c1, invRootC2 = 1 / c2.squareRoot()
            Parallel.forRanges(p.value.count, grain: 32768) { range in
                for j in range {
                    let gj = gd[j] * gs
                    w[j] *= decay
                    md[j] = b1 * md[j] + (1 - b1) * gj
                    vd[j] = b2 * vd[j] + (1 - b2) * gj * gj
                    w[j] -= stepSize * md[j] / (vd[j].squareRoot() * invRootC2 + e)
                }
            }
        }
    }

    /// Restores moments and step count from a checkpoint.
    public func restore(m: [Tensor], v: [Tensor], step: Int) {
        precondition(m.count == parameters.count && v.count == parameters.count, "AdamW.restore: state for \(m.count) tensors, optimiser has \(parameters.count)")
        for i in 0..<m.count {
            requireShape(m[i].shape == parameters[i].shape, "AdamW.restore \(parameters[i].name)", m[i].shape, parameters[i].shape)
        }
        self.m = m; self.v = v; t = step
    }
}
// MARK: end

/// Scales all gradients down so their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping (log it: spikes show instability).
@discardableResult
public func clipGradNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    KitAnswer.used("clipGradNorm", answers: "1.4")
    let norm = gradNorm(parameters)
    let s = clipScale(norm: norm, maxNorm: maxNorm)
    if s != 1 { for p in parameters { p.grad?.scale(by: s) } }
    return norm
}

/// The global L2 norm of the gradients, √(Σ g²) over every parameter, summed in Double.
public func gradNorm(_ parameters: [Variable]) -> Float {
    var total: Double = 0
    for p in parameters { if let g = p.grad { total += Reduce.sumOfSquares(g.data, count: g.count) } }
    return Float(total.squareRoot())
}

/// The factor that brings a gradient of norm `norm` down to `maxNorm` (1 when it is smaller).
public func clipScale(norm: Float, maxNorm: Float) -> Float { norm > maxNorm ? maxNorm / (norm + 1e-6) : 1 }

/// Linear warmup from 0 to `maxLR` over `warmup` steps, then cosine decay to `minLR` at
/// `total` steps (and `minLR` after).
public struct CosineSchedule: Sendable {
    public var maxLR: Float, minLR: Float, warmup: Int, total: Int
    public init(maxLR: Float, minLR: Float = 0, warmup: Int, total: Int) {
        (self.maxLR, self.minLR, self.warmup, self.total) = (maxLR, minLR, warmup, total)
    }
    public func learningRate(at step: Int) -> Float {
        if step < warmup { return maxLR * Float(step + 1) / Float(warmup) }
        if step >= total { return minLR }
        let progress = Float(step - warmup) / Float(max(total - warmup, 1))
        return minLR + 0.5 * (maxLR - minLR) * (1 + cosf(Float.pi * progress))
    }
}
