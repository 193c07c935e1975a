import Core
/// Exercise 1.5 — The finite-difference gradient checker.
///
/// Return the gradient of `f` at `x` estimated by CENTRAL differences:
///   ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε
/// (error O(ε²), against O(ε) for the one-sided difference). Every autograd op in this
/// chapter is tested against this estimate.
public func numericalGradient(of f: ([Float]) -> Float, at x: [Float], eps: Float) throws -> [Float] {
    // Write your code here, then run `swift run course check 1`.
    throw Todo("1.5")
}
