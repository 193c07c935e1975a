import Core
import Autograd
import Foundation

/// Exercise 1.1 — The scalar engine's backward pass: the order of the walk, the walk itself, and
/// a tanh node.
///
/// `topologicalOrder`: every `Value` reachable from `root` (through `parents`) exactly once, each
/// one AFTER all of its parents, the root last. Build it without recursion: a chain of 100,000
/// additions is 100,000 nodes deep, and a function that calls itself once per node would
/// overflow the call stack. Visit a node's parents in the order of `parents`.
///
/// `backward(from:)`: afterwards every node reachable from `root` holds d(root)/d(node) in its
/// `grad`, whatever the gradients held before (calling it twice gives the same gradients, not
/// twice them). Each node's `backwardStep` passes its own gradient on to its parents, adding
/// into theirs; a node may pass it on only once every node that uses it has passed on its part.
/// Example: a = 2, b = 3, c = a·b, d = c + a. After `backward(from: d)`: d.grad = 1, c.grad = 1,
/// b.grad = a = 2, and a.grad = b + 1 = 4 (a is used twice, by c and by d).
///
/// `tanhNode`: a new operation. Return a `Value` whose `data` is tanh(x.data), with `x` as its
/// parent, and set its `backwardStep` so that it passes the gradient on to `x` with tanh's
/// local derivative (which can be written with the output alone). Use `[unowned out]` in the
/// closure to avoid a retain cycle.
public func topologicalOrder(of root: Value) throws -> [Value] {
    var order: [Value] = []
    var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    // Our own stack instead of the call stack: each entry is a node and the index of the next
    // parent to visit. A node is appended when all its parents are done, as a recursive search
    // would after its loop over the parents.
    var stack: [(node: Value, next: Int)] = [(root, 0)]
    while let (node, next) = stack.last {
        guard next < node.parents.count else {
            order.append(node)
            stack.removeLast()
            continue
        }
        stack[stack.count - 1].next = next + 1
        let parent = node.parents[next]
        // A node reached by a second path is already on its way: it must appear once.
        if seen.insert(ObjectIdentifier(parent)).inserted { stack.append((parent, 0)) }
    }
    return order
}

/// The chain rule from `root` back to the leaves: d(root)/d(node) in every reachable node's grad.
public func backward(from root: Value) throws {
    let order = try topologicalOrder(of: root)
    // Every backwardStep adds (+=): gradients left from an earlier call would be added to.
    for node in order { node.grad = 0 }
    root.grad = 1   // d(root)/d(root), after the reset that would undo it
    // Reversed, the order visits every node after all the nodes that use it, so its gradient is
    // complete when it passes it on.
    for node in order.reversed() { node.backwardStep() }
}

/// tanh as a node of the graph, with its backward rule.
public func tanhNode(_ x: Value) throws -> Value {
    let out = Value(Foundation.tanh(x.data), parents: [x], op: "tanh")
    out.backwardStep = { [unowned out] in x.grad += (1 - out.data * out.data) * out.grad }
    return out
}
