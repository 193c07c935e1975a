import Core
import Autograd
import Foundation

/// Exercise 1.1 — The scalar engine's backward pass: the order of the walk, and a tanh node.
///
/// `topologicalOrder`: every `Value` reachable from `root` (through `parents`) exactly once,
/// each one AFTER all of its parents. Backward walks this list in reverse, so a node's
/// gradient is complete before it is passed on to its parents.
///
/// `tanhNode`: a new operation. Return a `Value` whose `data` is tanh(x.data), with `x` as its
/// parent, and set its `backwardStep` so that it passes the gradient on to `x` with tanh's
/// local derivative (which can be written with the output alone). Use `[unowned out]` in the
/// closure to avoid a retain cycle.
public func topologicalOrder(of root: Value) throws -> [Value] {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.1")
}

/// tanh as a node of the graph, with its backward rule.
public func tanhNode(_ x: Value) throws -> Value {
    // Write your code here too.
    throw Todo("1.1")
}
