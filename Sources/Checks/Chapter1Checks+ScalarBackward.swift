import Autograd
import Core
import Foundation

/// Exercise 1.1: the order of a small graph and the tanh node; then the walk: the chapter's
/// opening example and micrograd's neuron by hand, a second call and stale gradients, random
/// graphs against the kit's `Value.backward`, and a chain of 100,000 additions walked on a
/// thread with a small stack.
func checkScalarBackward(_ f: Chapter1Functions) throws {
    // The order: a and c are used twice; 6 nodes.
    let a = Value(2), b = Value(3)
    let c = a * b, d = c + a, e = (d * c).tanh()
    try expectTopological(try f.topologicalOrder(e), of: e, nodes: 6, "the graph e = tanh(d·c), d = c + a, c = a·b")

    // The tanh node, through the kit's backward.
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

    // The walk, by hand: the chapter's opening example, d = a·b + a with a = 2, b = 3.
    do {
        let a = Value(2), b = Value(3)
        let c = a * b, d = c + a
        try f.backward(d)
        let example = "d = c + a with c = a·b, a = 2, b = 3, after backward(from: d)"
        try Expect.that(d.grad == 1, "\(example): d.grad = \(d.grad), expected d(d)/d(d) = 1"
                        + (d.grad == 0 ? ": the root is seeded with 1 after the gradients are reset, not before" : ""))
        try Expect.that(!(c.grad == 1 && a.grad == 1 && b.grad == 0),
                        "\(example): c.grad = 1, a.grad = 1, b.grad = 0: c passed on its gradient before d had given it one. Walk the order from the root back to the leaves (reversed), so a node's gradient is complete when it passes it on")
        try Expect.close(c.grad, 1, tolerance: 1e-12, "\(example): c.grad = d(d)/dc")
        try Expect.close(b.grad, 2, tolerance: 1e-12, "\(example): b.grad = d(d)/db = a")
        try Expect.close(a.grad, 4, tolerance: 1e-12, "\(example): a.grad = d(d)/da = b + 1, one share through c and one directly")
    }

    // Micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with n = x1·w1 + x2·w2 + b = atanh(1/√2).
    let x1 = Value(2), x2 = Value(0), w1 = Value(-3), w2 = Value(1), bias = Value(6.8813735870195432)
    let n = x1 * w1 + x2 * w2 + bias
    let o = n.tanh()
    let neuron = "the neuron o = tanh(x1·w1 + x2·w2 + b) with x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8814 (o = 0.7071, do/dn = 1 − o² = 0.5)"
    func expectNeuron(_ when: String) throws {
        for (node, name, want) in [(x1, "x1", -1.5), (w1, "w1", 1.0), (x2, "x2", 0.5), (w2, "w2", 0.0), (bias, "b", 0.5), (n, "n", 0.5), (o, "o", 1.0)] {
            let doubled = abs(node.grad - 2 * want) <= 1e-9 && want != 0
            try Expect.that(!doubled, "\(neuron), \(when): \(name).grad = \(node.grad), twice \(want): the gradients of the first call were added to. Reset every reachable node's gradient to 0 before the walk")
            try Expect.close(node.grad, want, tolerance: 1e-9, "\(neuron), \(when): \(name).grad")
        }
    }
    try f.backward(o)
    try expectNeuron("after backward(from: o)")
    let first = [x1, w1, x2, w2, bias, n].map(\.grad)
    try f.backward(o)
    let second = [x1, w1, x2, w2, bias, n].map(\.grad)
    try Expect.that(first == second, "\(neuron): a second backward(from: o) changed the gradients of x1, w1, x2, w2, b, n from \(first) to \(second): the first call's gradients were added to. Reset every reachable node's gradient to 0 before the walk")
    try expectNeuron("after backward(from: o) called a second time")
    // From an inner node, after the root: n's graph holds dn/d(node), whatever o's walk left.
    try f.backward(n)
    for (node, name, want) in [(x1, "x1", -3.0), (w1, "w1", 2.0), (bias, "b", 1.0), (n, "n", 1.0)] {
        try Expect.close(node.grad, want, tolerance: 1e-9,
                         "\(neuron), after backward(from: o) then backward(from: n), which must leave dn/d(node) (the earlier o's gradients reset): \(name).grad")
    }

    // Random graphs, nodes reused, gradients left from before, against the kit's backward.
    var rng = SeededRandom(seed: 11)
    for trial in 0..<40 {
        var nodes = (0..<(1 + rng.int(4))).map { _ in Value(Double(rng.normal())) }
        var names = nodes.indices.map { "leaf \($0)" }
        for _ in 0..<(2 + rng.int(30)) {
            let (p, q) = (nodes[rng.int(nodes.count)], nodes[rng.int(nodes.count)])
            let (node, name): (Value, String) = switch rng.int(6) {
            case 0: (p + q, "+"); case 1: (p * q, "·"); case 2: (p - q, "−")
            case 3: (p.tanh(), "tanh"); case 4: (p.relu(), "relu"); default: (p.pow(2), "²")
            }
            nodes.append(node)
            names.append("node \(nodes.count - 1) (\(name))")
        }
        let root = nodes[nodes.count - 1] + nodes[rng.int(nodes.count)] * nodes[rng.int(nodes.count)]
        let what = "random graph \(trial) (\(nodes.count + 2) nodes, some used several times)"
        let reachable = root.topologicalOrder()
        try expectTopological(try f.topologicalOrder(root), of: root, nodes: reachable.count, what)
        for v in nodes { v.grad = Double(rng.normal()) }   // left from an earlier computation
        try f.backward(root)
        let mine = nodes.map(\.grad), inGraph = Set(reachable.map(ObjectIdentifier.init))
        KitAnswer.reference { root.backward() }
        for (i, v) in nodes.enumerated() where inGraph.contains(ObjectIdentifier(v)) {
            try Expect.close(mine[i], v.grad, tolerance: 1e-9, "\(what), the gradient of \(names[i]) after backward(from: root), against the kit's")
        }
    }

    // A chain of 100,000 additions, y = x + x + … + x: 100,000 nodes deep, dy/dx = 100,001.
    try deepChain(f)
}

/// The order checked: every reachable node once, after all its parents, the root last.
private func expectTopological(_ order: [Value], of root: Value, nodes: Int, _ what: String) throws {
    try Expect.that(Set(order.map(ObjectIdentifier.init)).count == order.count, "\(what): a node appears more than once in the order")
    try Expect.that(order.count == nodes, "\(what): expected \(nodes) distinct nodes in the order, got \(order.count)")
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { (ObjectIdentifier($1), $0) })
    for node in order {
        for p in node.parents {
            guard let pp = position[ObjectIdentifier(p)], let np = position[ObjectIdentifier(node)] else {
                throw CheckFailure("\(what): a parent of the \(node.op) node is missing from the order")
            }
            try Expect.that(pp < np, "\(what): the \(node.op) node comes before its parent \(p.op.isEmpty ? "leaf \(p.data)" : p.op)")
        }
    }
    try Expect.that(order.last === root, "\(what): the root must come last")
}

/// The order and the walk of a chain 100,000 nodes deep, on a thread with a 1 MB stack (a worker
/// thread's size): a search that calls itself once per node overflows it and stops the check.
private func deepChain(_ f: Chapter1Functions) throws {
    let depth = 100_000
    var chain = [Value(1)]
    chain.reserveCapacity(depth + 1)
    for _ in 0..<depth { chain.append(chain[chain.count - 1] + chain[0]) }
    // Freed from the root down, one node at a time: a deep chain freed at once recurses too.
    defer { while !chain.isEmpty { chain.removeLast() } }
    let what = "a chain of \(depth) additions y = x + x + … + x"
    let (count, rootLast, gradient) = try walk(chain, f)
    try Expect.that(count == depth + 1 && rootLast, "\(what): expected its \(depth + 1) nodes in the order, the root last, got \(count) nodes")
    try Expect.close(gradient, Double(depth + 1), tolerance: 1e-12, "\(what), after backward(from: y): x.grad = dy/dx")
}

/// The order's length, whether the root comes last, and dy/dx after the walk.
private func walk(_ chain: [Value], _ f: Chapter1Functions) throws -> (Int, Bool, Double) {
    let root = chain[chain.count - 1]
    let (count, rootLast) = try onThread(stackSize: 1 << 20, root) { root in
        let order = try f.topologicalOrder(root)
        return (order.count, order.last === root)
    }
    try onThread(stackSize: 1 << 20, root) { try f.backward($0) }
    return (count, rootLast, chain[0].grad)
}

/// A value handed to another thread that the check waits for: it is never used by two at once.
private final class Unchecked<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// Runs `body(node)` on a new thread with a stack of `stackSize` bytes, and waits for it. The
/// thread lets go of the node before the check goes on, so the graph is freed where the check
/// chooses (a thread's closure may be released later, and would free a deep graph at once).
private func onThread<T>(stackSize: Int, _ node: Value, _ body: @escaping (Value) throws -> T) throws -> T {
    let result = Unchecked<Result<T, Error>?>(nil), input = Unchecked<(Value, (Value) throws -> T)?>((node, body))
    let done = DispatchSemaphore(value: 0)
    @Sendable func run() {
        let (node, body) = input.value!
        input.value = nil
        result.value = Result { try body(node) }
    }
    let thread = Thread { run(); done.signal() }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    return try result.value!.get()
}
