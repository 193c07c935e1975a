import Autograd
import Core
import Exercises
import Foundation
import Solutions

/// The functions of Chapter 1's exercises, as one table, so a check can run against the
/// learner's code, the reference, or a deliberately wrong variant.
struct Chapter1Functions {
    var topologicalOrder: (Value) throws -> [Value]
    var tanhNode: (Value) throws -> Value
    var reduceBroadcastGradient: (Tensor, [Int]) throws -> Tensor
    var crossEntropyGradient: (Tensor, [Int], Int) throws -> Tensor
    var adamwStep: (Tensor, Tensor, Tensor, Tensor, Int, Float, Float, Float, Float, Float) throws -> Void
    var gradientCheck: (([Float]) -> Float, [Float], [Float], Float, Float, Float) throws -> GradientCheckResult

    static var learner: Chapter1Functions { Chapter1Functions(
        topologicalOrder: { try Exercises.topologicalOrder(of: $0) },
        tanhNode: Exercises.tanhNode,
        reduceBroadcastGradient: { try Exercises.reduceBroadcastGradient($0, to: $1) },
        crossEntropyGradient: { try Exercises.crossEntropyGradient(logits: $0, targets: $1, ignoreIndex: $2) },
        adamwStep: { try Exercises.adamwStep(parameter: $0, gradient: $1, m: $2, v: $3, step: $4, learningRate: $5, beta1: $6, beta2: $7, eps: $8, weightDecay: $9) },
        gradientCheck: { try Exercises.gradientCheck(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }) }

    static var reference: Chapter1Functions { Chapter1Functions(
        topologicalOrder: { try Solutions.topologicalOrder(of: $0) },
        tanhNode: Solutions.tanhNode,
        reduceBroadcastGradient: { try Solutions.reduceBroadcastGradient($0, to: $1) },
        crossEntropyGradient: { try Solutions.crossEntropyGradient(logits: $0, targets: $1, ignoreIndex: $2) },
        adamwStep: { try Solutions.adamwStep(parameter: $0, gradient: $1, m: $2, v: $3, step: $4, learningRate: $5, beta1: $6, beta2: $7, eps: $8, weightDecay: $9) },
        gradientCheck: { try Solutions.gradientCheck(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }) }

    /// The reference with exercise `id` replaced by a typical mistake.
    static func mutant(_ id: String) -> Chapter1Functions {
        var f = reference
        switch id {
        case "1.1":
            f.topologicalOrder = { try reference.topologicalOrder($0).reversed() }   // the order backwards...
            f.tanhNode = { x in  // ...and tanh's derivative written as 1 − x² instead of 1 − tanh(x)²
                let out = Value(Foundation.tanh(x.data), parents: [x], op: "tanh")
                out.backwardStep = { [unowned out] in x.grad += (1 - x.data * x.data) * out.grad }
                return out
            }
        case "1.2": f.reduceBroadcastGradient = { g, s in  // averages instead of summing
            let r = try reference.reduceBroadcastGradient(g, s); r.scale(by: Float(r.count) / Float(g.count)); return r
        }
        case "1.3": f.crossEntropyGradient = { l, t, i in  // forgets to divide by the count
            let r = try reference.crossEntropyGradient(l, t, i); r.scale(by: Float(t.filter { $0 != i }.count)); return r
        }
        case "1.4": f.adamwStep = { p, g, m, v, _, lr, b1, b2, e, wd in  // no bias correction (step stuck at ∞)
            try reference.adamwStep(p, g, m, v, 10_000, lr, b1, b2, e, wd)
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
            f.tanhNode = { $0.tanh() }
        case "1.2": f.reduceBroadcastGradient = { g, shape in g.reduced(to: shape) }
        case "1.5": f.gradientCheck = { GradCheck.worstCoordinate(of: $0, at: $1, analytic: $2, eps: $3, floor: $4, tolerance: $5) }
        case "1.3": f.crossEntropyGradient = { logits, targets, ignore in
            let x = Variable(logits.copy(), requiresGrad: true)
            x.crossEntropy(targets: targets, ignoreIndex: ignore).backward()
            return x.grad!
        }
        case "1.4":  // one kit optimiser for the whole check, updating the caller's tensor in place
            let box = OptimizerBox()
            f.adamwStep = { p, g, _, _, _, lr, b1, b2, eps, wd in
                if box.optimizer == nil {
                    box.variable = Variable(p, requiresGrad: true)
                    box.optimizer = AdamW([box.variable!], learningRate: lr, beta1: b1, beta2: b2, eps: eps, weightDecay: wd)
                }
                box.variable!.grad = g.copy()
                box.optimizer!.step()
            }
        default: break
        }
        return f
    }

    final class OptimizerBox { var variable: Variable?; var optimizer: AdamW? }

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

extension Catalogue {
    static let chapter1: [Exercise] = [
        Exercise("1.1", "The scalar engine's backward: its order and a tanh node", file: "exercises/01-autograd/ScalarBackward.swift",
                 symbol: "topologicalOrder", hints: [
                    "The order: depth-first search, visiting a node's parents before appending the node itself. The tanh node: compute the output Value, then set its backwardStep.",
                    "Keep a Set<ObjectIdentifier> of visited nodes so a node used twice appears once. tanh's local derivative is 1 − tanh(x)², and tanh(x) is already stored in the output's data.",
                    "Write a nested function that handles one node and calls itself on each parent, appending the node after that loop. In backwardStep, add (never assign) into x.grad, and capture the output unowned.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.1")
            let a = Value(2), b = Value(3)
            let c = a * b, d = c + a, e = (d * c).tanh()   // a and c are used twice; 6 nodes
            let order = try f.topologicalOrder(e)
            try Expect.that(order.count == 6, "expected 6 distinct nodes (a, b, a·b, a·b+a, d·c, tanh), got \(order.count)")
            try Expect.that(Set(order.map(ObjectIdentifier.init)).count == order.count, "a node appears more than once")
            let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { (ObjectIdentifier($1), $0) })
            for node in order {
                for p in node.parents {
                    guard let pp = position[ObjectIdentifier(p)], let np = position[ObjectIdentifier(node)] else {
                        throw CheckFailure("a parent of the \(node.op) node is missing from the order")
                    }
                    try Expect.that(pp < np, "the \(node.op) node comes before its parent \(p.op.isEmpty ? "leaf \(p.data)" : p.op)")
                }
            }
            try Expect.that(order.last === e, "the root must come last")
            // The tanh node.
            for x0 in [-2.0, -0.3, 0.0, 0.7, 1.5] {
                let x = Value(x0)
                let y = try f.tanhNode(x)
                try Expect.close(y.data, Foundation.tanh(x0), tolerance: 1e-12, "tanh(\(x0))")
                try Expect.that(y.parents.count == 1 && y.parents[0] === x, "the tanh node must have x as its only parent")
                let z = y * 3.0
                z.backward()
                let t = Foundation.tanh(x0)
                try Expect.close(x.grad, 3 * (1 - t * t), tolerance: 1e-9, "d(3·tanh(x))/dx at x = \(x0)")
            }
        },
        Exercise("1.2", "Reduce a broadcast gradient", file: "exercises/01-autograd/ReduceGradient.swift",
                 symbol: "reduceBroadcastGradient", hints: [
                    "Every element of the output gradient came from one element of the input: find which, and add.",
                    "Align shapes on the right; on an axis where the input has size 1 (or no axis at all), all positions map to index 0.",
                    "Count through grad's elements with a multi-index (an odometer over its shape); for each, compute the input's flat index from the aligned axes, using 0 where the input's size is 1, and accumulate there.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.2")
            let g = Tensor([2, 3, 2], (0..<12).map(Float.init))
            for shape in [[2], [3, 1], [2, 3, 2], [1, 3, 2], [1], [2, 1, 2]] {
                let r = try f.reduceBroadcastGradient(g, shape)
                try Expect.shape(r.shape, shape, "gradient reduced to \(shape)")
                try Expect.close(r.array, KitAnswer.reference { g.reduced(to: shape) }.array, "gradient reduced to \(shape)")
            }
        },
        Exercise("1.3", "Softmax cross-entropy backward", file: "exercises/01-autograd/CrossEntropyGradient.swift",
                 symbol: "crossEntropyGradient", hints: [
                    "For one row the gradient of −log softmax(z)[t] is softmax(z) − onehot(t).",
                    "The loss is a mean over the rows that are not ignored: divide by that count, and leave ignored rows at zero.",
                    "Start from a zero tensor of the logits' shape and the softmax of the logits; only counted rows get values. Test yourself: each counted row of your gradient sums to 0.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.3")
            var rng = SeededRandom(seed: 4)
            let logits = Tensor([4, 5], (0..<20).map { _ in rng.normal() * 2 })
            let ignored = CrossEntropy.ignoreIndex
            let targets = [3, ignored, 0, 4]
            let g = try f.crossEntropyGradient(logits, targets, ignored)
            try Expect.shape(g.shape, [4, 5], "gradient")
            let x = Variable(logits.copy(), requiresGrad: true)
            KitAnswer.reference { x.crossEntropy(targets: targets).backward() }
            try Expect.close(g.array, x.grad!.array, tolerance: 1e-5, "d(loss)/d(logits)")
        },
        Exercise("1.4", "One AdamW step", file: "exercises/01-autograd/AdamWStep.swift",
                 symbol: "adamwStep", hints: [
                    "Four steps per element: weight decay, first moment, second moment, update.",
                    "The bias corrections divide m and v by (1 − β1ᵗ) and (1 − β2ᵗ) with t = step; the first step has t = 1.",
                    "Decay uses the parameter BEFORE the Adam update; m and v must be written back into their tensors, since the next step reads them. ε is added after the square root.",
                 ]) { flavor in
            let f = Chapter1Functions.table(flavor, "1.4")
            let p = Tensor([3], [1, -0.5, 2]), m = Tensor(zeros: [3]), v = Tensor(zeros: [3])
            let grads: [[Float]] = [[0.5, -1, 0.1], [-0.2, 0.3, 0.0]]
            let ref = Variable(p.copy(), requiresGrad: true)
            let opt = AdamW([ref], learningRate: 0.1, weightDecay: 0.01)
            for (t, g) in grads.enumerated() {
                try f.adamwStep(p, Tensor([3], g), m, v, t + 1, 0.1, 0.9, 0.999, 1e-8, 0.01)
                ref.grad = Tensor([3], g)
                KitAnswer.reference { opt.step() }
                try Expect.close(p.array, ref.value.array, tolerance: 1e-6, "parameters after step \(t + 1)")
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
