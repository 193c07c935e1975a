import Autograd
import Foundation

/// Exercise 1.2 — A new operation for the scalar engine: tanh.
///
/// Return a `Value` whose `data` is tanh(x.data), with `x` as its parent, and set its
/// `backwardStep` so that it passes the gradient on to `x` with tanh's local derivative
/// (which can be written with the output alone). Use `[unowned out]` in the closure to avoid
/// a retain cycle.
public func tanhNode(_ x: Value) throws -> Value {
    let out = Value(Foundation.tanh(x.data), parents: [x], op: "tanh")
    out.backwardStep = { [unowned out] in x.grad += (1 - out.data * out.data) * out.grad }
    return out
}
