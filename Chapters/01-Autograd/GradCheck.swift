import Core

/// Checks an operation's backward against central finite differences:
/// dL/dx_i ≈ (L(x + ε e_i) − L(x − ε e_i)) / 2ε, for every element of every input.
/// A non-scalar output is reduced with fixed random weights, L = Σ out ⊙ W, so every output
/// element's gradient path is exercised.
public enum GradCheck {
    public struct Report: CustomStringConvertible {
        /// max over elements of |analytic − numeric| / max(|analytic|, |numeric|, floor)
        public var maxRelativeError: Float
        public var maxAbsoluteError: Float
        public var worst: String
        public var description: String { "max rel error \(maxRelativeError), max abs error \(maxAbsoluteError) at \(worst)" }
    }

    public static func check(_ inputs: [Tensor], eps: Float = 1e-2, floor: Float = 1e-2, seed: UInt64 = 7,
                             _ f: ([Variable]) -> Variable) -> Report {
        // Analytic gradients.
        let vars = inputs.map { Variable($0.copy(), requiresGrad: true) }
        let probe = f(vars)
        var rng = SeededRandom(seed: seed)
        let weights = Tensor(zeros: probe.shape)
        for i in 0..<weights.count { weights.data[i] = rng.uniform(-1, 1) }
        let loss = { (out: Variable) -> Variable in out.value.count == 1 && out.shape.isEmpty ? out : (out * Variable(weights)).sum() }
        loss(probe).backward()
        // Numeric gradients.
        var report = Report(maxRelativeError: 0, maxAbsoluteError: 0, worst: "-")
        for (k, x) in inputs.enumerated() {
            for i in 0..<x.count {
                func evaluate(_ delta: Float) -> Double {
                    let shifted = inputs.map { $0.copy() }
                    shifted[k].data[i] += delta
                    return noGrad { Double(loss(f(shifted.map { Variable($0) })).scalar) }
                }
                let numeric = Float((evaluate(eps) - evaluate(-eps)) / Double(2 * eps))
                let analytic = vars[k].grad?.data[i] ?? 0
                let abs = Swift.abs(analytic - numeric)
                let rel = abs / Swift.max(Swift.abs(analytic), Swift.abs(numeric), floor)
                if rel > report.maxRelativeError { report.worst = "input \(k) element \(i): analytic \(analytic), numeric \(numeric)" }
                report.maxRelativeError = Swift.max(report.maxRelativeError, rel)
                report.maxAbsoluteError = Swift.max(report.maxAbsoluteError, abs)
            }
        }
        return report
    }

    /// The worst coordinate of a gradient check on a function of a flat vector (exercise 1.5):
    /// every coordinate of `analytic` against its central difference, by the relative error
    /// |a − n| / max(|a|, |n|, floor), which a true gradient of 0 cannot blow up. A NaN is the
    /// worst coordinate and fails; on a tie the first index wins.
    public static func worstCoordinate(of f: ([Float]) -> Float, at x: [Float], analytic: [Float],
                                       eps: Float, floor: Float, tolerance: Float) -> GradientCheckResult {
        KitAnswer.used("GradCheck.worstCoordinate", answers: "1.5")
        if let mine = LearnerCode.function("gradientCheck", as: GradientCheckFunction.self) {
            return mine(f, x, analytic, eps, floor, tolerance)
        }
        precondition(x.count == analytic.count && !x.isEmpty, "one analytic value per coordinate")
        var worst = (index: 0, analytic: Float(0), numeric: Float(0), error: -Float.infinity)
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += eps
            minus[i] -= eps
            let numeric = (f(plus) - f(minus)) / (2 * eps)
            let a = analytic[i]
            let error = Swift.abs(a - numeric) / Swift.max(Swift.abs(a), Swift.abs(numeric), floor)
            if (error.isNaN || error > worst.error) && !worst.error.isNaN { worst = (i, a, numeric, error) }
        }
        return (worst.index, worst.analytic, worst.numeric, worst.error, worst.error <= tolerance)
    }
}

/// A gradient check's worst coordinate: its index, the analytic and numeric values, the
/// relative error, and whether it is within the tolerance.
public typealias GradientCheckResult = (index: Int, analytic: Float, numeric: Float, error: Float, passed: Bool)

/// The shape of the function a learner plugs in with `course run autograd --mine` (see
/// `LearnerCode`): exercise 1.5's signature, without `throws`.
public typealias GradientCheckFunction = (([Float]) -> Float, [Float], [Float], Float, Float, Float) -> GradientCheckResult
