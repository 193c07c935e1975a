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
}
