import Autograd
import Core
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 1's exercises, as one table, so a check can run against the
/// learner's code, the reference, or a deliberately wrong variant.
struct Chapter1Functions {
    var topologicalOrder: (Value) throws -> [Value]
    var backward: (Value) throws -> Void
    var tanhNode: (Value) throws -> Value
    var broadcastBackward: (BinaryOp, Tensor, Tensor, Tensor) throws -> BroadcastGradients
    var layerNorm: (Tensor, Tensor, Tensor, Float, Tensor) throws -> LayerNormResult
    var clippedAdamWStep: ([Tensor], [Tensor], [Tensor], [Tensor], Int, Float, Float, Float, Float, [Float], Float) throws -> Float
    var gradientCheck: (([Float]) -> Float, [Float], [Float], Float, Float, Float) throws -> GradientCheckResult

    static var learner: Chapter1Functions { Chapter1Functions(
        topologicalOrder: { try Exercises.topologicalOrder(of: $0) },
        backward: { try Exercises.backward(from: $0) },
        tanhNode: Exercises.tanhNode,
        broadcastBackward: { try Exercises.broadcastBackward($0, a: $1, b: $2, upstream: $3) },
        layerNorm: { try Exercises.layerNorm($0, gamma: $1, beta: $2, eps: $3, upstream: $4) },
        clippedAdamWStep: { try Exercises.clippedAdamWStep(parameters: $0, gradients: $1, m: $2, v: $3, step: $4, learningRate: $5,
                                                      beta1: $6, beta2: $7, eps: $8, weightDecay: $9, maxNorm: $10) },
        gradientCheck: { try Exercises.gradientCheck(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }) }

    static var reference: Chapter1Functions { Chapter1Functions(
        topologicalOrder: { try Solutions.topologicalOrder(of: $0) },
        backward: { try Solutions.backward(from: $0) },
        tanhNode: Solutions.tanhNode,
        broadcastBackward: { try Solutions.broadcastBackward($0, a: $1, b: $2, upstream: $3) },
        layerNorm: { try Solutions.layerNorm($0, gamma: $1, beta: $2, eps: $3, upstream: $4) },
        clippedAdamWStep: { try Solutions.clippedAdamWStep(parameters: $0, gradients: $1, m: $2, v: $3, step: $4, learningRate: $5,
                                                      beta1: $6, beta2: $7, eps: $8, weightDecay: $9, maxNorm: $10) },
        gradientCheck: { try Solutions.gradientCheck(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter1Functions {
        var f = reference
        switch id {
        case "1.1": f.backward = { root in  // micrograd's walk without the reset: an earlier call's gradients are added to
            let order = try reference.topologicalOrder(root)
            root.grad = 1
            for node in order.reversed() { node.backwardStep() }
        }
        case "1.2": f.broadcastBackward = { op, a, b, g in  // the product's gradients without the other operand
            try reference.broadcastBackward(op == .mul ? .add : op, a, b, g)
        }
        case "1.3": f.layerNorm = { x, gamma, beta, eps, dy in  // dx = dy·γ/σ: the mean and the variance treated as constants
            let r = try reference.layerNorm(x, gamma, beta, eps, dy)
            let c = x.lastDim
            for row in 0..<(x.count / c) {
                let xs = (0..<c).map { x[row * c + $0] }
                let mean = xs.reduce(0, +) / Float(c)
                let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(c)
                for j in 0..<c { r.dx[row * c + j] = dy[row * c + j] * gamma[j] / (variance + eps).squareRoot() }
            }
            return r
        }
        case "1.4": f.clippedAdamWStep = { p, g, m, v, t, lr, b1, b2, e, wd, maxNorm in  // each tensor clipped by its own norm
            var total: Float = 0
            for k in p.indices {
                let n = try reference.clippedAdamWStep([p[k]], [g[k]], [m[k]], [v[k]], t, lr, b1, b2, e, [wd[k]], maxNorm)
                total += n * n
            }
            return total.squareRoot()
        }
        case "1.5": f.gradientCheck = { fn, x, a, e, floor, tol in  // a relative error without the floor
            var worst: GradientCheckResult = (0, 0, 0, -.infinity, false)
            for i in x.indices {
                var plus = x, minus = x
                plus[i] += e; minus[i] -= e
                let n = (fn(plus) - fn(minus)) / (2 * e)
                let err = abs(a[i] - n) / max(abs(a[i]), abs(n))
                if err > worst.error { worst = (i, a[i], n, err, false) }
            }
            worst.passed = worst.error <= tol
            return worst
        }
        default: break
        }
        return f
    }

    /// The reference with exercise `id` handed to the kit's own implementation.
    static func delegate(_ id: String) -> Chapter1Functions {
        var f = reference
        switch id {
        case "1.1":
            f.topologicalOrder = { $0.topologicalOrder() }
            f.backward = { $0.backward() }
            f.tanhNode = { $0.tanh() }
        case "1.2": f.broadcastBackward = { op, a, b, g in kitBroadcastBackward(op, a, b, g) }
        case "1.5": f.gradientCheck = { GradCheck.worstCoordinate(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }
        case "1.3": f.layerNorm = { kitLayerNorm($0, $1, $2, $3, $4) }
        case "1.4":  // one kit optimiser per set of parameters, updating the caller's tensors in place
            let box = OptimizerBox()
            f.clippedAdamWStep = { p, g, _, _, _, lr, b1, b2, eps, wd, maxNorm in
                if box.variables.count != p.count || zip(box.variables, p).contains(where: { $0.value !== $1 }) {
                    box.variables = p.map { Variable($0, requiresGrad: true) }
                    box.optimizer = AdamW(box.variables, learningRate: lr, beta1: b1, beta2: b2, eps: eps,
                                          weightDecay: wd.max() ?? 0, decayMatricesOnly: true)
                }
                for (variable, gradient) in zip(box.variables, g) { variable.grad = gradient.copy() }
                let norm = clipGradNorm(box.variables, maxNorm: maxNorm)
                box.optimizer!.step()
                return norm
            }
        default: break
        }
        return f
    }

    final class OptimizerBox { var variables: [Variable] = []; var optimizer: AdamW? }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter1Functions {
        let f: Chapter1Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

/// What exercise 1.2 returns: the gradients of the two operands, at their own shapes.
typealias BroadcastGradients = (da: Tensor, db: Tensor)

/// The kit's autograd through `a op b`, seeded with the upstream gradient `g`.
func kitBroadcastBackward(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ g: Tensor) -> BroadcastGradients {
    let (va, vb) = (Variable(a.copy(), requiresGrad: true), Variable(b.copy(), requiresGrad: true))
    let y = switch op { case .add: va + vb; case .sub: va - vb; case .mul: va * vb; case .div: va / vb }
    y.backward(seed: g.copy())
    return (va.grad!, vb.grad!)
}

/// Σ g·(a op b) with broadcasting, in Double: the loss whose central differences check exercise 1.2.
func broadcastLoss(_ op: BinaryOp, _ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int], upstream g: Tensor) -> Double {
    let (sa, sb) = (Broadcast.strides(of: aShape, in: g.shape), Broadcast.strides(of: bShape, in: g.shape))
    var total = 0.0
    for i in 0..<g.count {
        var (rest, ia, ib) = (i, 0, 0)
        for d in stride(from: g.rank - 1, through: 0, by: -1) {
            let k = rest % g.shape[d]
            rest /= g.shape[d]; ia += k * sa[d]; ib += k * sb[d]
        }
        let (x, y) = (a[ia], b[ib])
        let value = switch op { case .add: x + y; case .sub: x - y; case .mul: x * y; case .div: x / y }
        total += Double(g[i]) * value
    }
    return total
}

/// What exercise 1.3 returns: y and the gradients of x, gamma and beta.
typealias LayerNormResult = (y: Tensor, dx: Tensor, dgamma: Tensor, dbeta: Tensor)

/// The kit's layer norm and its backward for the upstream gradient `dy` (L = Σ dy·y).
func kitLayerNorm(_ x: Tensor, _ gamma: Tensor, _ beta: Tensor, _ eps: Float, _ dy: Tensor) -> LayerNormResult {
    let (vx, vg, vb) = (Variable(x.copy(), requiresGrad: true), Variable(gamma.copy(), requiresGrad: true), Variable(beta.copy(), requiresGrad: true))
    let y = vx.layerNorm(gamma: vg, beta: vb, eps: eps)
    (y * Variable(dy)).sum().backward()
    return (y.value, vx.grad!, vg.grad!, vb.grad!)
}

/// Σ dy·layerNorm(x), in Double: the loss whose central differences check exercise 1.3.
func layerNormLoss(_ x: [Double], _ gamma: [Double], _ beta: [Double], eps: Double, dy: [Double], cols c: Int) -> Double {
    var total = 0.0
    for r in 0..<(x.count / c) {
        let row = Array(x[(r * c)..<((r + 1) * c)])
        let mean = row.reduce(0, +) / Double(c)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
        for j in 0..<c { total += dy[r * c + j] * ((row[j] - mean) / (variance + eps).squareRoot() * gamma[j] + beta[j]) }
    }
    return total
}

/// Layer norm's output does not move when a row of x is shifted, nor (for a small eps) when it
/// is stretched about its mean, so each row of dx sums to 0 and is orthogonal to x̂. A row
/// that breaks this names the missing term of dx (pass nil for `xhat` when eps is large).
func expectRowsOrthogonal(_ dx: Tensor, xhat: Tensor?, _ what: String) throws {
    let c = dx.lastDim
    for r in 0..<dx.rows {
        let row = (0..<c).map { dx[r * c + $0] }
        let scale = max(1, row.map(abs).max() ?? 0)
        let sum = row.reduce(0, +)
        try Expect.that(abs(sum) <= 1e-3 * scale, "\(what): row \(r) sums to \(sum), not 0 (shifting a row of x leaves y unchanged): the term −mean(g) is missing, the path through the row's mean")
        guard let xhat else { continue }
        let dot = (0..<c).reduce(Float(0)) { $0 + row[$1] * xhat[r * c + $1] }
        try Expect.that(abs(dot) <= 1e-3 * scale, "\(what): row \(r) · x̂ = \(dot), not 0 (stretching a row about its mean leaves y unchanged): the term −x̂·mean(g·x̂) is wrong or missing, the path through the row's variance")
    }
}
