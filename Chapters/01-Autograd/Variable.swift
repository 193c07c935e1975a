import Core

/// Whether operations record the graph. Turned off for inference (`noGrad { ... }`) so no
/// backward closures or intermediate tensors are kept. A task-local value, so parallel tests
/// and tasks never see each other's setting.
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording a graph (like `torch.no_grad()`).
public func noGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

// MARK: book variable
/// A tensor that remembers how it was made, so gradients can flow back through it.
///
/// Each operation creates a new `Variable` holding its result (`value`), the variables it was
/// computed from (`parents`) and a `backward` closure: given the gradient of the loss with
/// respect to this result, it adds the matching gradients into the parents. `backward()` on the
/// loss visits the graph in reverse topological order and runs each closure once.
public final class Variable {
    public let value: Tensor
    /// d(loss)/d(value), same shape as `value`; nil until a backward pass reaches this node.
    public var grad: Tensor?
    /// Leaves with `requiresGrad` are trainable parameters; set it to false to freeze one.
    public var requiresGrad: Bool
    public var name: String
    let parents: [Variable]
    let backwardFn: ((Tensor) -> Void)?

    public var shape: [Int] { value.shape }
    public var isLeaf: Bool { parents.isEmpty }

    /// A leaf: a parameter (`requiresGrad: true`) or a constant input.
    public init(_ value: Tensor, requiresGrad: Bool = false, name: String = "") {
        self.value = value
        self.requiresGrad = requiresGrad
        self.name = name
        parents = []
        backwardFn = nil
    }

    /// The result of an operation. The graph is recorded only when grad mode is on and some
    /// parent needs a gradient; otherwise the result is a plain constant.
    public init(_ value: Tensor, parents: [Variable], name: String = "", backward: @escaping (Tensor) -> Void) {
        if Profiler.isEnabled { Profiler.recordForward(name) }   // `course bench profile` only
        self.value = value
        self.name = name
        if GradMode.isEnabled && parents.contains(where: \.requiresGrad) {
            self.requiresGrad = true
            self.parents = parents
            self.backwardFn = backward
        } else {
            self.requiresGrad = false
            self.parents = []
            self.backwardFn = nil
        }
    }
}
// MARK: end

extension Variable {
    /// Adds `g` into this variable's gradient. Takes ownership of `g` when the gradient is
    /// still empty (no copy), so callers pass tensors they do not keep.
    @inline(__always)
    public func accumulate(_ g: Tensor) {
        guard requiresGrad else { return }
        if let existing = grad { existing.add(g) } else { grad = g.shape == shape ? g : g.reshaped(shape) }
    }

    /// The gradient buffer to accumulate into in place (a BLAS call with beta = 1 adds straight
    /// into it); `fresh` tells the caller the buffer is new and zero, so beta = 0 is enough.
    /// `overwrite: true` promises the caller writes every element when fresh (a product
    /// with beta = 0), so the new buffer is not zero-filled first.
    @inline(__always)
    func gradBuffer(overwrite: Bool = false) -> (buffer: Tensor, fresh: Bool) {
        if let g = grad { return (g, false) }
        let g = overwrite ? Tensor(uninitialized: shape) : Tensor(zeros: shape)
        grad = g
        return (g, true)
    }

    public func zeroGrad() { grad = nil }

    // MARK: book backward
    /// Backpropagation: seeds d(self)/d(self) = 1 (self must be a scalar unless a seed is
    /// given), then calls each node's backward closure in reverse topological order, so a node's
    /// gradient is complete before it is passed on. Gradients of intermediate nodes are released
    /// as soon as they have been used; leaves (parameters) keep and accumulate theirs.
    public func backward(seed: Tensor? = nil) {
        KitAnswer.used("Variable.backward", answers: "1.3 4.2 6.1 8.2")
        guard requiresGrad else { return }
        precondition(seed != nil || value.count == 1, "backward: the loss must be a scalar, got shape \(shape)")
        let order = topologicalOrder()
        accumulate(seed ?? Tensor(repeating: 1, shape))
        for node in order.reversed() {
            guard let g = node.grad, let fn = node.backwardFn else { continue }
            if Profiler.isEnabled { Profiler.backward(node.name) { fn(g) } } else { fn(g) }
            node.grad = nil  // an interior node: its gradient has been passed on
        }
    }
    // MARK: end

    // The order is exercise 1.1's idea for the scalar engine, so the book does not show it.
    /// Nodes reachable from self that need gradients, parents before children (iterative DFS,
    /// so deep graphs cannot overflow the stack).
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            if !visited.insert(ObjectIdentifier(node)).inserted { continue }
            stack.append((node, true))
            for p in node.parents where p.requiresGrad && !visited.contains(ObjectIdentifier(p)) {
                stack.append((p, false))
            }
        }
        return order
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable\(name.isEmpty ? "" : "(\(name))")\(value.description.dropFirst(6))" }

    public var scalar: Float { value.scalar }
}
