import Core

/// Exercise 1.5 — A gradient check.
///
/// The test an engineer runs on a new operation: does its backward (`analytic`, the gradient
/// the engine computed for f at `x`) agree with the definition of the derivative?
///
/// 1. Estimate every coordinate by CENTRAL differences (error O(ε²), against O(ε) one-sided):
///      nᵢ = (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε
/// 2. Compare it with aᵢ = analytic[i] by a relative error that stays sensible near zero:
///      errᵢ = |aᵢ − nᵢ| / max(|aᵢ|, |nᵢ|, floor)
///    (without the floor, a true gradient of 0 against an estimate of 10⁻⁶ is a 100 % error).
/// 3. Return the worst coordinate: its index, both values and its error, and whether that
///    error is within `tolerance`. A NaN anywhere must be the worst coordinate and fail.
///    On a tie the first index wins. `x` and `analytic` have the same count (at least 1).
///
/// Example: f(x) = x₀³ at x = [0.5] with ε = 0.01: n₀ = 0.7501, and an analytic 0.75 gives
/// err ≈ 1.3·10⁻⁴.
public func gradientCheck(of f: ([Float]) -> Float, at x: [Float], analytic: [Float],
                          eps: Float, floor: Float, tolerance: Float) throws
    -> (index: Int, analytic: Float, numeric: Float, error: Float, passed: Bool) {
    precondition(x.count == analytic.count && !x.isEmpty, "one analytic value per coordinate")
    var worst = (index: 0, analytic: Float(0), numeric: Float(0), error: -Float.infinity)
    for i in x.indices {
        // Two copies of x, coordinate i moved up and down by ε.
        var plus = x, minus = x
        plus[i] += eps
        minus[i] -= eps
        let numeric = (f(plus) - f(minus)) / (2 * eps)
        let a = analytic[i]
        let error = abs(a - numeric) / max(abs(a), abs(numeric), floor)
        // NaN compares false with everything: test for it, or a NaN would never be the worst
        // (and once a NaN is the worst, nothing replaces it).
        if (error.isNaN || error > worst.error) && !worst.error.isNaN { worst = (i, a, numeric, error) }
    }
    return (worst.index, worst.analytic, worst.numeric, worst.error, worst.error <= tolerance)
}
