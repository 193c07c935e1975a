import Core
import Autograd
import Foundation

/// Exercise 1.2 — A new operation for the scalar engine: tanh.
///
/// Return a `Value` whose `data` is tanh(x.data), with `x` as its parent, and set its
/// `backwardStep` so that it passes the gradient on to `x` with tanh's local derivative
/// (which can be written with the output alone). Use `[unowned out]` in the closure to avoid
/// a retain cycle.
public func tanhNode(_ x: Value) throws -> Value {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.2")
}
