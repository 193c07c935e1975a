import Core
import Foundation

// Elementwise arithmetic with broadcasting, and reductions. Each op computes its value with a
// Core kernel and records a backward closure that turns d(loss)/d(out) into the parents'
// gradients. With broadcasting, a gradient is summed back down to the parent's shape.

// MARK: book broadcast-ops
extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable { broadcasting(.add, a, b, name: "add") }
    public static func - (a: Variable, b: Variable) -> Variable { broadcasting(.sub, a, b, name: "sub") }
    public static func * (a: Variable, b: Variable) -> Variable { broadcasting(.mul, a, b, name: "mul") }
    public static func / (a: Variable, b: Variable) -> Variable { broadcasting(.div, a, b, name: "div") }

    /// `a op b` with broadcasting (NumPy rules). Its backward hands the upstream gradient to
    /// `broadcastBackward`, which returns each parent's gradient at the parent's own shape.
    static func broadcasting(_ op: BinaryOp, _ a: Variable, _ b: Variable, name: String) -> Variable {
        let out = Tensor.binary(op, a.value, b.value)
        return Variable(out, parents: [a, b], name: name) { g in
            let (da, db) = broadcastBackward(op, a.value, b.value, out: out, upstream: g,
                                             needA: a.requiresGrad, needB: b.requiresGrad)
            // For + and − b takes its share first (the order shows, in the last bits, only when a
            // and b are one variable, as in x − x).
            if op == .add || op == .sub, let db { b.accumulate(db) }
            if let da { a.accumulate(da) }
            if op == .mul || op == .div, let db { b.accumulate(db) }
        }
    }
}
// MARK: end

// MARK: book broadcast-backward
extension Variable {
    /// The backward of `out = a op b` with broadcasting: dL/da and dL/db for the upstream gradient
    /// `g` = dL/d(out), each summed back down to its operand's shape (an element broadcast to
    /// several positions of `out` collects the gradients of all of them). Only the gradients
    /// asked for are computed; each is a tensor of its own, since the engine adds into gradient
    /// buffers in place. Under `course run autograd --mine` the learner's exercise 1.2 answers.
    public static func broadcastBackward(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, out: Tensor, upstream g: Tensor,
                                         needA: Bool = true, needB: Bool = true) -> (da: Tensor?, db: Tensor?) {
        KitAnswer.used("Variable.broadcastBackward", answers: "1.2")
        if let mine = LearnerCode.function("broadcastBackward", as: BroadcastBackwardFunction.self) {
            let (da, db) = mine(op, a, b, g)
            return (needA ? da : nil, needB ? (needA && db === da ? db.copy() : db) : nil)
        }
        var da: Tensor?, db: Tensor?
        switch op {
        case .add, .sub:  // d(a ± b)/da = 1, d(a ± b)/db = ±1: a may take g itself, b takes a copy.
            if needB {
                db = g.shape == b.shape ? g.copy() : g.reduced(to: b.shape)
                if op == .sub { db!.scale(by: -1) }
            }
            if needA { da = g.reduced(to: a.shape) }
        case .mul:        // d(a·b)/da = b, d(a·b)/db = a
            if needA { da = Tensor.binary(.mul, g, b).reduced(to: a.shape) }
            if needB { db = Tensor.binary(.mul, g, a).reduced(to: b.shape) }
        case .div:        // d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −out/b
            if needA { da = Tensor.binary(.div, g, b).reduced(to: a.shape) }
            if needB {
                let t = Tensor.binary(.div, Tensor.binary(.mul, g, out), b)
                t.scale(by: -1)
                db = t.reduced(to: b.shape)
            }
        }
        return (da, db)
    }
}
// MARK: end

/// The shape of the function a learner plugs in with `course run autograd --mine` (see
/// `LearnerCode`): exercise 1.2's signature, without `throws`. The tensor engine calls it in the
/// backward of +, −, · and ÷ (`Variable.broadcastBackward`) and for the bias of
/// `Variable.linear` (the b of an addition).
public typealias BroadcastBackwardFunction = (_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ upstream: Tensor) -> (da: Tensor, db: Tensor)

extension Variable {
    public static func * (a: Variable, s: Float) -> Variable {
        Variable(a.value.map { $0 * s }, parents: [a], name: "scale") { g in a.accumulate(g.map { $0 * s }) }
    }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func + (a: Variable, s: Float) -> Variable {
        Variable(a.value.map { $0 + s }, parents: [a], name: "shift") { g in a.accumulate(g) }
    }
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static prefix func - (a: Variable) -> Variable { a * -1 }

    /// Elementwise function with its derivative written in terms of input x and output y.
    func unary(_ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Variable {
        let x = value
        let y = x.map(f)
        return Variable(y, parents: [self], name: "unary") { [self] g in
            let d = Tensor(zeros: x.shape)
            let pd = d.data, px = x.data, py = y.data, pg = g.data
            for i in 0..<x.count { pd[i] = pg[i] * derivative(px[i], py[i]) }
            self.accumulate(d)
        }
    }

    public func exp() -> Variable { unary({ Foundation.exp($0) }, derivative: { _, y in y }) }
    public func log() -> Variable { unary({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    public func tanh() -> Variable { unary({ fastTanh($0) }, derivative: { _, y in 1 - y * y }) }
    public func relu() -> Variable { unary({ max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 }) }
    public func sigmoid() -> Variable { unary({ 1 / (1 + Foundation.exp(-$0)) }, derivative: { _, y in y * (1 - y) }) }
    public func pow(_ p: Float) -> Variable {
        unary({ Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }
    public func square() -> Variable { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// log(sigmoid(x)), stable for large |x|: -softplus(-x). Used by reward-model and DPO losses.
    public func logSigmoid() -> Variable {
        unary({ x in x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x)) },
              derivative: { x, _ in 1 / (1 + Foundation.exp(x)) })
    }
    /// Clamps into [lo, hi]; the gradient is zero where the value was clamped (PPO's clip).
    public func clamp(_ lo: Float, _ hi: Float) -> Variable {
        unary({ min(max($0, lo), hi) }, derivative: { x, _ in (x >= lo && x <= hi) ? 1 : 0 })
    }

    /// Elementwise maximum / minimum of two same-shape variables; the gradient goes to the
    /// larger (smaller) one (ties: to the first).
    public static func maximum(_ a: Variable, _ b: Variable) -> Variable { select(a, b, takeFirst: { $0 >= $1 }) }
    public static func minimum(_ a: Variable, _ b: Variable) -> Variable { select(a, b, takeFirst: { $0 <= $1 }) }

    static func select(_ a: Variable, _ b: Variable, takeFirst: @escaping (Float, Float) -> Bool) -> Variable {
        requireShape(a.shape == b.shape, "maximum/minimum", a.shape, b.shape)
        let out = Tensor(zeros: a.shape)
        let pa = a.value.data, pb = b.value.data
        for i in 0..<out.count { out.data[i] = takeFirst(pa[i], pb[i]) ? pa[i] : pb[i] }
        return Variable(out, parents: [a, b], name: "select") { g in
            let ga = Tensor(zeros: a.shape), gb = Tensor(zeros: b.shape)
            for i in 0..<out.count {
                if takeFirst(pa[i], pb[i]) { ga.data[i] = g.data[i] } else { gb.data[i] = g.data[i] }
            }
            a.accumulate(ga); b.accumulate(gb)
        }
    }

    // MARK: Reductions

    /// Sum of all elements (a scalar of shape []).
    public func sum() -> Variable {
        Variable(Tensor(scalar: value.sum()), parents: [self], name: "sum") { [self] g in
            self.accumulate(Tensor(repeating: g.scalar, self.shape))
        }
    }

    public func mean() -> Variable { sum() * (1 / Float(max(value.count, 1))) }

    /// Sum over one axis (dropped from the shape unless `keepDim`).
    public func sum(axis: Int, keepDim: Bool = false) -> Variable {
        let ax = axis < 0 ? axis + shape.count : axis
        return Variable(value.sum(axis: ax, keepDim: keepDim), parents: [self], name: "sum") { [self] g in
            var kept = self.shape
            kept[ax] = 1
            // Broadcasting the reduced gradient back over the summed axis.
            self.accumulate(Tensor.binary(.add, Tensor(zeros: self.shape), g.reshaped(kept)))
        }
    }

    public func mean(axis: Int, keepDim: Bool = false) -> Variable {
        let ax = axis < 0 ? axis + shape.count : axis
        return sum(axis: ax, keepDim: keepDim) * (1 / Float(shape[ax]))
    }
}
