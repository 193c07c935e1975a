import Autograd
import Core
import Exercises
import Foundation
import Solutions

extension Catalogue {
    static let chapter1: [Exercise] = [
        Exercise("1.1", "The scalar engine's backward: its order, the walk and a tanh node", file: "exercises/01-autograd/ScalarBackward.swift",
                 symbol: "topologicalOrder", hints: [
                    "The order: a depth-first search that appends a node once all its parents are in, with an array for a stack. The walk: the order, every gradient reset, the root's seeded, then each node's backwardStep. The tanh node: compute the output Value, then set its backwardStep.",
                    "Keep a Set<ObjectIdentifier> of the nodes already reached, so a node used twice appears once, and stack entries of (node, index of its next parent). Walk the order reversed: a node then comes after every node that uses it. tanh's local derivative is 1 − tanh(x)², and tanh(x) is already stored in the output's data.",
                    "Look at the top entry: if its node has a parent left, advance its index and push that parent unless it was reached before; otherwise append the node and pop it. Set the root's gradient to 1 after the reset, not before. In backwardStep, add (never assign) into x.grad, and capture the output unowned.",
                 ], crashNote: "most likely a stack overflow: the check walks a chain of 100,000 nodes on a 1 MB stack, "
                    + "and an order that calls itself once per node runs out of it (keep your own stack of nodes)") { flavor in
            try checkScalarBackward(Chapter1Functions.table(flavor, "1.1"))
        },
        Exercise("1.2", "The backward of a broadcasting operation: +, −, ·, ÷", file: "exercises/01-autograd/BroadcastBackward.swift",
                 symbol: "broadcastBackward", hints: [
                    "Every position of out was made from one element of a and one of b. An element that broadcasting reused at many positions receives a share of the gradient from each of them, and its gradient is the sum of those shares.",
                    "The shares: g for a and ±g for b under + and −; g·b for a and g·a for b under ·; g/b for a and −g·a/b² for b under ÷ (with g the upstream at that position). The element of an operand at a position of out: align the shapes on the right, and read index 0 on every axis where the operand has size 1.",
                    "Walk the positions of out once, in order, with a multi-index over upstream's shape (out has its shape). At each one, turn the multi-index into a flat index in a and one in b, and add the two shares into gradients that start at zero with the operands' shapes. Where a and b both have size 1 on an axis, out has size 1 there too: nothing to sum.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.2")
            // Worked examples. A bias: x [2, 3] + b [3] used b once per row, so db sums the rows.
            let g = Tensor([2, 3], [1, 2, 3, 4, 5, 6])
            let bias = try f.broadcastBackward(.add, Tensor([2, 3], [0.5, -1, 2, 3, 0, -2]), Tensor([3], [10, 20, 30]), g)
            var example = "x [2, 3] + b [3] with upstream [[1, 2, 3], [4, 5, 6]]"
            try Expect.shape(bias.da.shape, [2, 3], "\(example): dx")
            try Expect.shape(bias.db.shape, [3], "\(example): db")
            try Expect.that(bias.db.array != [2.5, 3.5, 4.5], "\(example): db = [2.5, 3.5, 4.5] is the mean of the rows; b was used once in each row, so db is their sum, [5, 7, 9]")
            try Expect.that(bias.db.array != [6, 15, 0], "\(example): db = [6, 15, 0] holds the sums of the rows, at the rows' index; shapes align on the right, so b [3] lines up with the last axis of x and db sums the upstream over the rows: [5, 7, 9]")
            try Expect.close(bias.da.array, g.array, "\(example), where dx is the upstream itself: dx")
            try Expect.close(bias.db.array, [5, 7, 9], "\(example), where db sums the upstream over the rows: db")
            // Both operands broadcast: a [2, 1] · b [1, 3] is an outer product.
            // da[i] = Σⱼ g[i, j]·b[j] = [1 + 20 + 300, 4 + 50 + 600]; db[j] = Σᵢ g[i, j]·a[i] = [2 + 12, 4 + 15, 6 + 18].
            let outer = try f.broadcastBackward(.mul, Tensor([2, 1], [2, 3]), Tensor([1, 3], [1, 10, 100]), g)
            example = "a [2, 1] = [[2], [3]] · b [1, 3] = [[1, 10, 100]] with upstream [[1, 2, 3], [4, 5, 6]]"
            try Expect.shape(outer.da.shape, [2, 1], "\(example): da")
            try Expect.shape(outer.db.shape, [1, 3], "\(example): db")
            try Expect.that(outer.da.array != [6, 15], "\(example): da = [6, 15] sums the upstream without b; d(a·b)/da = b, so da[i] = Σⱼ g[i, j]·b[j] = [321, 654]")
            try Expect.that(outer.da.array != [12, 45], "\(example): da = [12, 45] multiplies by a itself; d(a·b)/da = b, so da = [321, 654]")
            try Expect.close(outer.da.array, [321, 654], "\(example): da")
            try Expect.close(outer.db.array, [14, 19, 24], "\(example): db")
            // A scalar subtracted from a vector, and a division by a [1] that stretches.
            let sub = try f.broadcastBackward(.sub, Tensor([3], [5, 6, 7]), Tensor(scalar: 2), Tensor([3], [1, 2, 3]))
            example = "a [3] − b [] (a scalar) with upstream [1, 2, 3]"
            try Expect.shape(sub.db.shape, [], "\(example): db")
            try Expect.that(sub.db.array != [6], "\(example): db = 6 has the wrong sign; d(a − b)/db = −1, so db = −(1 + 2 + 3) = −6")
            try Expect.close(sub.da.array, [1, 2, 3], "\(example): da")
            try Expect.close(sub.db.array, [-6], "\(example): db")
            let div = try f.broadcastBackward(.div, Tensor([2], [6, 3]), Tensor([1], [3]), Tensor([2], [1, 1]))
            example = "a [2] = [6, 3] ÷ b [1] = [3] with upstream [1, 1]"
            try Expect.close(div.da.array, [1.0 / 3, 1.0 / 3], "\(example), where da = g/b: da")
            try Expect.close(div.db.array, [-1], "\(example), where db = Σ −g·a/b² = −(6 + 3)/9: db")
            // Random shapes against the kit's autograd, every operation; a few against central
            // differences of L = Σ upstream·(a op b). Some axes have size 1 in both operands.
            var rng = SeededRandom(seed: 12)
            var shapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([], [2, 3]), ([3], [2, 1]), ([2, 1, 3], [1, 1, 3]),
                                            ([1, 1], [3]), ([4, 1, 2], [3, 1]), ([2, 3, 1], []), ([2], [2, 2]), ([1, 2, 1, 3], [2, 2, 1])]
            for _ in 0..<6 {
                let out = (0..<(1 + rng.int(4))).map { _ in 1 + rng.int(3) }
                var pair: [[Int]] = []
                for _ in 0..<2 { pair.append(out.suffix(rng.int(out.count + 1)).map { rng.int(3) == 0 ? 1 : $0 }) }
                shapes.append((pair[0], pair[1]))
            }
            for (k, (aShape, bShape)) in shapes.enumerated() {
                let outShape = Broadcast.shape(aShape, bShape)!
                for op in [BinaryOp.add, .sub, .mul, .div] {
                    let a = Tensor(aShape, (0..<aShape.reduce(1, *)).map { _ in rng.normal() })
                    let b = Tensor(bShape, (0..<bShape.reduce(1, *)).map { _ in
                        op == .div ? (rng.int(2) == 0 ? -1 : 1) * (0.5 + abs(rng.normal())) : rng.normal() })
                    let up = Tensor(outShape, (0..<outShape.reduce(1, *)).map { _ in rng.normal() })
                    let what = "a \(aShape) \(["+", "−", "·", "÷"][[BinaryOp.add, .sub, .mul, .div].firstIndex(of: op)!]) b \(bShape) = out \(outShape)"
                    let r = try f.broadcastBackward(op, a, b, up)
                    try Expect.shape(r.da.shape, aShape, "\(what): da")
                    try Expect.shape(r.db.shape, bShape, "\(what): db")
                    let kit = KitAnswer.reference { kitBroadcastBackward(op, a, b, up) }
                    try Expect.close(r.da.array, kit.da.array, tolerance: 1e-4, "\(what): da")
                    try Expect.close(r.db.array, kit.db.array, tolerance: 1e-4, "\(what): db")
                    guard k % 3 == 0 else { continue }
                    let (ad, bd) = (a.array.map(Double.init), b.array.map(Double.init))
                    for (name, grad, values) in [("da", r.da, ad), ("db", r.db, bd)] {
                        for i in 0..<values.count {
                            var (plus, minus) = (values, values)
                            plus[i] += 1e-6; minus[i] -= 1e-6
                            let loss = { (v: [Double]) in name == "da" ? broadcastLoss(op, v, aShape, bd, bShape, upstream: up)
                                                                       : broadcastLoss(op, ad, aShape, v, bShape, upstream: up) }
                            try Expect.close(Double(grad[i]), (loss(plus) - loss(minus)) / 2e-6, tolerance: 1e-3,
                                             "\(what): \(name)[\(i)] against central differences of Σ upstream·out")
                        }
                    }
                }
            }
        },
        Exercise("1.3", "Layer normalisation, forward and backward", file: "exercises/01-autograd/LayerNorm.swift",
                 symbol: "layerNorm", hints: [
                    "Row by row: the forward pass needs the row's mean, variance and x̂, and the backward pass reuses x̂ and 1/√(var + eps). gamma and beta are shared by all rows, so their gradients add up over the rows.",
                    "With g = dy·γ (the gradient with respect to x̂): dx = (g − mean(g) − x̂·mean(g·x̂)) / √(var + eps), the means taken over the row's C features; dgamma = Σ over rows of dy·x̂, dbeta = Σ over rows of dy.",
                    "The two mean terms are the paths through the row's mean and variance, which depend on every x of the row: without them y is right and dx is not. Test yourself: each row of your dx sums to 0, and so does its product with x̂.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.3")
            // The worked example: x = [1, 2, 3, 6] has mean 3 and biased variance 14/4 = 3.5
            // (14/3 unbiased), so x̂ = (x − 3)/√3.5; with dy = [1, 0, 0, 0], g·x̂ has mean −1.069/4.
            let one = try f.layerNorm(Tensor([1, 4], [1, 2, 3, 6]), Tensor([4], [1, 1, 1, 1]), Tensor(zeros: [4]), 1e-5, Tensor([1, 4], [1, 0, 0, 0]))
            for (name, got, want) in [("y", one.y.shape, [1, 4]), ("dx", one.dx.shape, [1, 4]), ("dgamma", one.dgamma.shape, [4]), ("dbeta", one.dbeta.shape, [4])] {
                try Expect.shape(got, want, "worked example: \(name)")
            }
            let example = "worked example x = [1, 2, 3, 6], gamma 1, beta 0, upstream [1, 0, 0, 0]"
            try Expect.that(abs(one.y[0] + 0.92582) > 1e-3, "\(example): y[0] is \(one.y[0]), the value with the unbiased variance (14/3); layer norm divides by C: variance 3.5, y[0] = −2/√3.5 ≈ −1.0690")
            try Expect.close(one.y.array, [-1.069044, -0.534522, 0, 1.603565], tolerance: 1e-4, "\(example): y")
            try Expect.close(one.dbeta.array, [1, 0, 0, 0], tolerance: 1e-5, "\(example): dbeta")
            try Expect.close(one.dgamma.array, [-1.069044, 0, 0, 0], tolerance: 1e-4, "\(example): dgamma")
            try expectRowsOrthogonal(one.dx, xhat: one.y, "\(example): dx")
            try Expect.close(one.dx.array, [0.248171, -0.209990, -0.133630, 0.095450], tolerance: 1e-4, "\(example): dx")
            // Random rows against the kit's layer norm; a row of equal values (variance 0: eps
            // alone keeps 1/√(var + eps) finite) and C = 1 (x̂ = 0, y = beta, dx = 0).
            var rng = SeededRandom(seed: 13)
            for (n, c, eps) in [(3, 5, Float(1e-5)), (4, 16, 1e-5), (2, 1, 1e-5), (2, 6, 0.5)] {
                let x = Tensor([n, c], (0..<(n * c)).map { i in i < c && n == 4 ? 2 : rng.normal() * 2 + 1 })
                let gamma = Tensor([c], (0..<c).map { _ in 1 + 0.5 * rng.normal() }), beta = Tensor([c], (0..<c).map { _ in 0.3 * rng.normal() })
                let dy = Tensor([n, c], (0..<(n * c)).map { _ in rng.normal() })
                let what = "x [\(n), \(c)], eps \(eps)\(n == 4 ? " (row 0 all equal to 2)" : "")"
                let r = try f.layerNorm(x, gamma, beta, eps, dy)
                let kit = KitAnswer.reference { kitLayerNorm(x, gamma, beta, eps, dy) }
                try Expect.close(r.y.array, kit.y.array, tolerance: 1e-4, "\(what): y")
                try Expect.close(r.dbeta.array, kit.dbeta.array, tolerance: 1e-4, "\(what): dbeta")
                try Expect.close(r.dgamma.array, kit.dgamma.array, tolerance: 1e-4, "\(what): dgamma")
                let xhat = Tensor([n, c], (0..<(n * c)).map { (kit.y[$0] - beta[$0 % c]) / gamma[$0 % c] })
                try expectRowsOrthogonal(r.dx, xhat: eps < 0.1 ? xhat : nil, "\(what): dx")
                try Expect.close(r.dx.array, kit.dx.array, tolerance: 1e-4, "\(what): dx")
                // Central differences of L = Σ dy·y, in Double.
                guard n == 3 else { continue }
                let (xd, gd, bd, dyd) = (x.array.map(Double.init), gamma.array.map(Double.init), beta.array.map(Double.init), dy.array.map(Double.init))
                let loss = { (x: [Double], g: [Double], b: [Double]) in layerNormLoss(x, g, b, eps: Double(eps), dy: dyd, cols: c) }
                func numeric(_ v: [Double], _ i: Int, _ f: ([Double]) -> Double) -> Double {
                    var (plus, minus) = (v, v)
                    plus[i] += 1e-6; minus[i] -= 1e-6
                    return (f(plus) - f(minus)) / 2e-6
                }
                for i in 0..<(n * c) {
                    try Expect.close(Double(r.dx[i]), numeric(xd, i) { loss($0, gd, bd) }, tolerance: 1e-3, "\(what): dx[\(i)] against central differences of Σ dy·y")
                }
                for j in 0..<c {
                    try Expect.close(Double(r.dgamma[j]), numeric(gd, j) { loss(xd, $0, bd) }, tolerance: 1e-3, "\(what): dgamma[\(j)] against central differences")
                    try Expect.close(Double(r.dbeta[j]), numeric(bd, j) { loss(xd, gd, $0) }, tolerance: 1e-3, "\(what): dbeta[\(j)] against central differences")
                }
            }
        },
        Exercise("1.4", "One optimiser step: global gradient clipping, then AdamW", file: "exercises/01-autograd/ClippedAdamWStep.swift",
                 symbol: "clippedAdamWStep", hints: [
                    "Two passes: first the norm of all the gradients together, which decides one scale for every tensor; then the AdamW update of every element, with its gradient times that scale.",
                    "norm = √(Σ g²) over every element of every tensor; scale = maxNorm / (norm + 1e-6) when norm > maxNorm, else 1. Per element: p ← p·(1 − η·λₖ); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; p ← p − η·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ).",
                    "Return the norm measured before clipping, and write m and v back into their tensors: the next step reads them. On the first step Adam moves a weight by about η whatever the scale of its gradient, so a clipping mistake shows first in the moments.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.4")
            // The worked example: gradients [3, 0] and [4] have the global norm 5 (3 and 4 each):
            // clipped to maxNorm 1, they become [0.6, 0] and [0.8].
            let p = [Tensor([2], [1, -0.5]), Tensor([1], [2])]
            let (m, v) = (p.map { Tensor(zeros: $0.shape) }, p.map { Tensor(zeros: $0.shape) })
            let norm = try f.clippedAdamWStep(p, [Tensor([2], [3, 0]), Tensor([1], [4])], m, v, 1, 0.1, 0.9, 0.999, 1e-8, [0.01, 0], 1)
            let example = "worked example (gradients [3, 0] and [4], maxNorm 1, first step)"
            try Expect.that(abs(norm - 1) > 1e-3, "\(example): you return \(norm), the norm after clipping; return the norm before it, 5")
            try Expect.close(Double(norm), 5, tolerance: 1e-5, "\(example): the global norm")
            try Expect.that(abs(m[0][0] - 0.3) > 1e-4, "\(example): m[0][0] = \(m[0][0]) = 0.1 · 3, the gradient unclipped: the norm 5 is above maxNorm 1, so every gradient is scaled by 1/5")
            try Expect.that(abs(m[0][0] - 0.1) > 1e-4, "\(example): m = \(m[0][0]), \(m[1][0]), each tensor clipped by its own norm (3 and 4); one global norm (5) scales both: m ≈ 0.06, 0.08")
            try Expect.close(m[0].array + m[1].array, [0.06, 0, 0.08], tolerance: 1e-5, "\(example): m of the two tensors")
            try Expect.close(v[0].array + v[1].array, [0.00036, 0, 0.00064], tolerance: 1e-6, "\(example): v of the two tensors")
            try Expect.close(p[0].array + p[1].array, [0.899, -0.4995, 1.9], tolerance: 1e-5, "\(example): the parameters (decay 0.01 and 0)")
            // Four steps against the kit's clipGradNorm and AdamW, clipping on some and not others.
            var rng = SeededRandom(seed: 7)
            let shapes = [[3, 4], [4], [2, 3]], decay = shapes.map { $0.count >= 2 ? Float(0.1) : 0 }
            let params = shapes.map { s in Tensor(s, (0..<s.reduce(1, *)).map { _ in rng.normal() }) }
            let (mine, m2, v2) = (params.map { $0.copy() }, params.map { Tensor(zeros: $0.shape) }, params.map { Tensor(zeros: $0.shape) })
            let kit = params.map { Variable($0.copy(), requiresGrad: true) }
            let opt = AdamW(kit, learningRate: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, decayMatricesOnly: true)
            for (t, (size, lr)) in zip([Float(2), 0.1, 3, 0.05], [Float(0.01), 0.02, 0.005, 0.01]).enumerated() {
                let grads = shapes.map { s in Tensor(s, (0..<s.reduce(1, *)).map { _ in size * rng.normal() }) }
                let n = try f.clippedAdamWStep(mine, grads, m2, v2, t + 1, lr, 0.9, 0.95, 1e-8, decay, 1)
                let kitNorm = KitAnswer.reference { () -> Float in
                    for (variable, g) in zip(kit, grads) { variable.grad = g.copy() }
                    opt.learningRate = lr
                    let norm = clipGradNorm(kit, maxNorm: 1)
                    opt.step()
                    return norm
                }
                let what = "step \(t + 1) (norm \(kitNorm), maxNorm 1, η = \(lr))"
                try Expect.close(Double(n), Double(kitNorm), tolerance: 1e-5, "\(what): the global norm")
                for k in shapes.indices {
                    try Expect.close(m2[k].array, opt.m[k].array, tolerance: 1e-5, "\(what): m of tensor \(k) \(shapes[k])")
                    try Expect.close(v2[k].array, opt.v[k].array, tolerance: 1e-5, "\(what): v of tensor \(k) \(shapes[k])")
                    try Expect.close(mine[k].array, kit[k].value.array, tolerance: 1e-5, "\(what): tensor \(k) \(shapes[k]) (decay \(decay[k]))")
                }
            }
        },
        Exercise("1.5", "A gradient check", file: "exercises/01-autograd/GradientCheck.swift",
                 symbol: "gradientCheck", hints: [
                    "Three steps: a central-difference estimate of every coordinate, a relative error per coordinate, and the worst of them against the tolerance.",
                    "For coordinate i, copy x twice, move it up by ε in one copy and down in the other, and divide the difference of f by 2ε. The error divides |a − n| by the largest of |a|, |n| and the floor, so a true gradient of 0 is judged by its absolute error.",
                    "Keep the worst coordinate as you go, and make sure a NaN error becomes the worst and stays it: every comparison with NaN is false. Test yourself on f(x) = x³ at x = 0 with ε = 0.01: the estimate is 10⁻⁴, the error 10⁻² with a floor of 10⁻², not 1.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.5")
            // f(x) = x₀³ + x₀x₁ + x₂³ at x = (0.5, −2, 0): gradient (3x₀² + x₁, x₀, 3x₂²) = (−1.25, 0.5, 0).
            // With ε = 0.01 the central differences are (−1.25 + ε², 0.5, ε²): the zero coordinate
            // is the worst one, at error ε²/floor = 0.01 (1 without the floor); a one-sided
            // difference would make coordinate 0 the worst instead (error ≈ 0.012).
            let fn: ([Float]) -> Float = { x in x[0] * x[0] * x[0] + x[0] * x[1] + x[2] * x[2] * x[2] }
            let x: [Float] = [0.5, -2, 0]
            let cases: [(what: String, analytic: [Float], tolerance: Float)] = [
                ("the right gradient", [-1.25, 0.5, 0], 0.05),
                ("the right gradient with a tolerance of 0.005", [-1.25, 0.5, 0], 0.005),
                ("a gradient 10% too large on coordinate 1", [-1.25, 0.55, 0], 0.05),
                ("a NaN on coordinate 1", [-1.25, .nan, 0], 0.05),
            ]
            for c in cases {
                let r = try f.gradientCheck(fn, x, c.analytic, 1e-2, 1e-2, c.tolerance)
                let e = KitAnswer.reference { GradCheck.worstCoordinate(of: fn, at: x, analytic: c.analytic, eps: 1e-2, floor: 1e-2, tolerance: c.tolerance) }
                try Expect.that(r.index == e.index, "\(c.what): the worst coordinate is \(e.index), your check says \(r.index) (error \(r.error))")
                try Expect.that(r.analytic.bitPattern == e.analytic.bitPattern, "\(c.what): the worst coordinate's analytic value is \(e.analytic), you report \(r.analytic)")
                try Expect.close(Double(r.numeric), Double(e.numeric), tolerance: 1e-5, "\(c.what): the central difference at coordinate \(e.index)")
                if e.error.isNaN {
                    try Expect.that(r.error.isNaN, "\(c.what): the error is NaN, you report \(r.error)")
                } else {
                    try Expect.close(Double(r.error), Double(e.error), tolerance: 1e-3, "\(c.what): the relative error at coordinate \(e.index)")
                }
                try Expect.that(r.passed == e.passed, "\(c.what): the check must \(e.passed ? "pass" : "fail") (error \(e.error), tolerance \(c.tolerance))")
            }
        },
    ]
}

/// Every exercise of the course, in chapter order.
public enum Catalogue {
    public static var all: [Exercise] { chapter1 + chapter2 + chapter3 + chapter4 + chapter5 + chapter6 + chapter7 + chapter8 + chapter9 }
    public static func chapter(_ n: Int) -> [Exercise] { all.filter { $0.chapter == n } }
    public static func exercise(_ id: String) -> Exercise? { all.first { $0.id == id } }
}
