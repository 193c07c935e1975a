import Autograd

/// Exercise 1.1 — Order the graph for backpropagation.
///
/// Return every `Value` reachable from `root` (through `parents`) exactly once, each one
/// AFTER all of its parents. Backward then walks this list in reverse, so a node's gradient is
/// complete before it is passed on to its parents.
public func topologicalOrder(of root: Value) throws -> [Value] {
    var order: [Value] = []
    var seen = Set<ObjectIdentifier>()
    func visit(_ v: Value) {
        guard seen.insert(ObjectIdentifier(v)).inserted else { return }
        for p in v.parents { visit(p) }
        order.append(v)
    }
    visit(root)
    return order
}
