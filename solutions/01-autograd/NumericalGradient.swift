/// Exercise 1.5 — The finite-difference gradient checker.
///
/// Return the gradient of `f` at `x` estimated by CENTRAL differences:
///   ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε
/// (error O(ε²), against O(ε) for the one-sided difference). Every autograd op in this
/// chapter is tested against this estimate.
public func numericalGradient(of f: ([Float]) -> Float, at x: [Float], eps: Float) throws -> [Float] {
    var grad = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count {
        var plus = x, minus = x
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (f(plus) - f(minus)) / (2 * eps)
    }
    return grad
}
