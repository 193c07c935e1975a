import Core

extension MLPDemo {
    /// What the run's gradient check found (written to `gradient_check.json`).
    public struct GradientCheckSummary: Codable, Sendable {
        public var parameters: Int
        public var eps: Float, floor: Float, tolerance: Float
        /// The worst coordinate: its flat index over all parameters, and where it lives.
        public var index: Int
        public var parameter: String
        public var analytic: Float, numeric: Float
        public var relativeError: Float
        public var passed: Bool
    }

    /// ε, floor and tolerance of the run's check. The loss (about 0.69) carries Float32 rounding
    /// of about 10⁻⁷, which the difference quotient divides by 2ε, while its truncation error
    /// grows as ε². Measured worst errors over both presets and seeds 1–6: ε = 10⁻¹ about
    /// 6·10⁻³ (truncation), 10⁻² about 5·10⁻⁴, 10⁻³ about 5·10⁻³ and 10⁻⁴ about 5·10⁻² (rounding).
    /// Most gradients here are below the floor 10⁻², so they are judged by their absolute error.
    /// With the tolerance at 10⁻² the engine's gradient passes 20 times over, while every
    /// gradient 10 % too large scores 0.09, and biases averaged instead of summed 0.08 or more.
    public static let gradientCheckSettings: (eps: Float, floor: Float, tolerance: Float) = (1e-2, 1e-2, 1e-2)

    /// The tensor engine's gradient of the training loss with respect to every parameter, at the
    /// initial weights, against central differences of the same loss (`GradCheck.worstCoordinate`,
    /// exercise 1.5). Changes no weight and draws no random number: training is unaffected.
    public static func gradientCheck(_ c: Config, data: ToyData,
                                     settings s: (eps: Float, floor: Float, tolerance: Float) = gradientCheckSettings,
                                     analytic override: (([Float]) -> [Float])? = nil) -> GradientCheckSummary {
        let w0 = initialWeights(c)
        let shapes = w0.map(\.shape), counts = w0.map(\.count)
        let x = Variable(data.inputs)
        let signs = Tensor([data.labels.count, 1], data.labels.map { $0 == 1 ? 1 : -1 })
        /// Flat vector → the six parameter tensors, in `initialWeights` order.
        func unflatten(_ flat: [Float]) -> [Tensor] {
            var start = 0
            return zip(shapes, counts).map { shape, n in
                defer { start += n }
                return Tensor(shape, Array(flat[start..<start + n]))
            }
        }
        let point = w0.flatMap(\.array)
        let lossAt: ([Float]) -> Float = { flat in
            noGrad { loss(logits: forward(x, unflatten(flat).map { Variable($0) }), signs: signs).scalar }
        }
        // Analytic: one backward pass (or the test's deliberately wrong gradient).
        let analytic: [Float]
        if let override { analytic = override(point) } else {
            let params = unflatten(point).map { Variable($0, requiresGrad: true) }
            loss(logits: forward(x, params), signs: signs).backward()
            analytic = params.flatMap { $0.grad?.array ?? [Float](repeating: 0, count: $0.value.count) }
        }
        let worst = GradCheck.worstCoordinate(of: lossAt, at: point, analytic: analytic,
                                              eps: s.eps, floor: s.floor, tolerance: s.tolerance)
        return GradientCheckSummary(parameters: point.count, eps: s.eps, floor: s.floor, tolerance: s.tolerance,
                                    index: worst.index, parameter: parameterName(worst.index, shapes: shapes),
                                    analytic: worst.analytic, numeric: worst.numeric,
                                    relativeError: worst.error, passed: worst.passed)
    }

    /// "w2[3, 5]" for a flat index over the parameters w1, b1, w2, b2, w3, b3.
    static func parameterName(_ flat: Int, shapes: [[Int]]) -> String {
        var i = flat
        for (k, shape) in shapes.enumerated() {
            let n = shape.reduce(1, *)
            if i < n {
                let name = (k % 2 == 0 ? "w" : "b") + "\(k / 2 + 1)"
                return shape.count == 2 ? "\(name)[\(i / shape[1]), \(i % shape[1])]" : "\(name)[\(i)]"
            }
            i -= n
        }
        return "?"
    }
}
