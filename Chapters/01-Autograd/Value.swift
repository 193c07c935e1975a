import Core
import Foundation

// MARK: book value
/// A scalar that remembers how it was computed: the whole idea of autograd in one small type
/// (after Karpathy's micrograd). `data` is the number, `grad` is d(output)/d(self) after
/// `backward()`; `parents` and `backwardStep` record the operation that produced it.
public final class Value {
    public var data: Double
    public var grad: Double = 0
    public let parents: [Value]
    public let op: String
    /// Adds this node's contribution to its parents' gradients (chain rule, one step).
    public var backwardStep: () -> Void = {}

    public init(_ data: Double, parents: [Value] = [], op: String = "") {
        self.data = data
        self.parents = parents
        self.op = op
    }
}
// MARK: end

// MARK: book value-ops
extension Value {
    public static func + (a: Value, b: Value) -> Value {
        let out = Value(a.data + b.data, parents: [a, b], op: "+")
        out.backwardStep = { [unowned out] in a.grad += out.grad; b.grad += out.grad }
        return out
    }

    public static func * (a: Value, b: Value) -> Value {
        let out = Value(a.data * b.data, parents: [a, b], op: "*")
        out.backwardStep = { [unowned out] in a.grad += b.data * out.grad; b.grad += a.data * out.grad }
        return out
    }
}
// MARK: end

// The other operations follow the same pattern: compute the result, then install the local rule.
extension Value {
    public func pow(_ k: Double) -> Value {
        let out = Value(Foundation.pow(data, k), parents: [self], op: "**\(k)")
        out.backwardStep = { [unowned out, unowned self] in self.grad += k * Foundation.pow(self.data, k - 1) * out.grad }
        return out
    }

    public func exp() -> Value {
        let out = Value(Foundation.exp(data), parents: [self], op: "exp")
        out.backwardStep = { [unowned out, unowned self] in self.grad += out.data * out.grad }
        return out
    }

    public func log() -> Value {
        let out = Value(Foundation.log(data), parents: [self], op: "log")
        out.backwardStep = { [unowned out, unowned self] in self.grad += out.grad / self.data }
        return out
    }

    // MARK: book value-tanh
    public func tanh() -> Value {
        KitAnswer.used("Value.tanh", answers: "1.1")
        if let mine = LearnerCode.function("tanh", as: TanhNodeFunction.self) { return mine(self) }
        let out = Value(Foundation.tanh(data), parents: [self], op: "tanh")
        out.backwardStep = { [unowned out, unowned self] in self.grad += (1 - out.data * out.data) * out.grad }
        return out
    }

    // MARK: end

    public func relu() -> Value {
        let out = Value(max(0, data), parents: [self], op: "relu")
        out.backwardStep = { [unowned out, unowned self] in self.grad += (self.data > 0 ? 1 : 0) * out.grad }
        return out
    }
}

extension Value {
    public convenience init(_ v: Int) { self.init(Double(v)) }
    public static func + (a: Value, b: Double) -> Value { a + Value(b) }
    public static func + (a: Double, b: Value) -> Value { Value(a) + b }
    public static func * (a: Value, b: Double) -> Value { a * Value(b) }
    public static func * (a: Double, b: Value) -> Value { Value(a) * b }
    public static prefix func - (a: Value) -> Value { a * -1 }
    public static func - (a: Value, b: Value) -> Value { a + (-b) }
    public static func - (a: Value, b: Double) -> Value { a + (-b) }
    public static func / (a: Value, b: Value) -> Value { a * b.pow(-1) }
    public static func / (a: Value, b: Double) -> Value { a * (1 / b) }

    // MARK: book value-topological-order
    /// Every node reachable from self, each after all of its parents: a depth-first search that
    /// appends a node once all its parents are in. Its stack is an array of (node, index of the
    /// next parent to visit), not the call stack, so a chain 100,000 nodes deep cannot overflow
    /// it; the order is the one a recursive search gives (parents in order, a node seen once).
    public func topologicalOrder() -> [Value] {
        KitAnswer.used("Value.topologicalOrder", answers: "1.1")
        var order: [Value] = []
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        var stack: [(node: Value, next: Int)] = [(self, 0)]
        while let (node, next) = stack.last {
            guard next < node.parents.count else {   // every parent is in: the node follows them
                order.append(node)
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next = next + 1
            let parent = node.parents[next]
            if seen.insert(ObjectIdentifier(parent)).inserted { stack.append((parent, 0)) }
        }
        return order
    }
    // MARK: end

    // MARK: book value-backward
    /// Sets d(self)/d(self) = 1 and applies the chain rule from the output back to the leaves.
    public func backward() {
        KitAnswer.used("Value.backward", answers: "1.1")
        if let mine = LearnerCode.function("backward", as: ScalarBackwardFunction.self) { return mine(self) }
        let order = topologicalOrder()
        for v in order { v.grad = 0 }
        grad = 1
        for v in order.reversed() { v.backwardStep() }
    }
    // MARK: end
}

extension Value: CustomStringConvertible {
    public var description: String { "Value(data: \(data), grad: \(grad))" }
}

// The shapes of the functions a learner plugs in with `course run autograd --mine` (see
// `LearnerCode`): their exercises' signatures, without `throws`.
public typealias ScalarBackwardFunction = (Value) -> Void
public typealias TanhNodeFunction = (Value) -> Value
