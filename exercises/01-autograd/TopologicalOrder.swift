import Core
import Autograd

/// Exercise 1.1 — Order the graph for backpropagation.
///
/// Return every `Value` reachable from `root` (through `parents`) exactly once, each one
/// AFTER all of its parents. Backward then walks this list in reverse, so a node's gradient is
/// complete before it is passed on to its parents.
public func topologicalOrder(of root: Value) throws -> [Value] {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.1")
}
