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
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.1")
}

/// The chain rule from `root` back to the leaves: d(root)/d(node) in every reachable node's grad.
public func backward(from root: Value) throws {
    // Write your code here too.
    throw Todo("1.1")
}

/// tanh as a node of the graph, with its backward rule.
public func tanhNode(_ x: Value) throws -> Value {
    // Write your code here too.
    throw Todo("1.1")
}
