import Core
import Foundation
import Plot

/// Chapter 1's run (`course run autograd`): the same MLP trained by both engines on two moons.
/// Before training, checks the tensor engine's gradient against finite differences at the
/// initial weights. Writes config.json, gradient_check.json, metrics.csv, loss.png,
/// decision_boundary.png.
public enum AutogradRun {
    public static func settings(_ preset: Preset, seed: UInt64) -> MLPDemo.Config {
        var c = MLPDemo.Config()
        c.seed = seed
        if preset == .quick { c.points = 60; c.steps = 60; c.hidden = 8 } else { c.points = 100; c.steps = 200; c.hidden = 12 }
        return c
    }

    public static func run(_ spec: RunSpec, settings c: MLPDemo.Config) throws {
        let dir = spec.dir
        try writeJSON(c, to: dir.appendingPathComponent("config.json"))
        let data = ToyData.twoMoons(count: c.points, seed: c.seed)
        // The check an engineer runs on a new op, here on the whole network: stop before training
        // on a gradient that disagrees with the definition of the derivative.
        let check = MLPDemo.gradientCheck(c, data: data)
        try writeJSON(check, to: dir.appendingPathComponent("gradient_check.json"))
        print(String(format: "gradient check at the initial weights (%d parameters, ε = %g): worst relative error %.2e at %@ (analytic %.6f, numeric %.6f), %@",
                     check.parameters, check.eps, check.relativeError, check.parameter, check.analytic, check.numeric,
                     check.passed ? "within \(check.tolerance)" : "ABOVE \(check.tolerance)"))
        guard check.passed else {
            throw CourseError("the tensor engine's gradient disagrees with finite differences at \(check.parameter): analytic \(check.analytic), numeric \(check.numeric); not training on it")
        }
        let (r, params) = MLPDemo.run(c, data: data)

        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"),
                                    columns: ["step", "scalar_loss", "tensor_loss"])
        for (i, (s, t)) in zip(r.scalarLoss, r.tensorLoss).enumerated() {
            metrics.log(["step": Double(i + 1), "scalar_loss": s, "tensor_loss": t])
        }
        try metrics.flush()
        let grid = MLPDemo.probabilityGrid(params, data: data)
        try AutogradPlots.write(dir: dir, result: r, data: data, grid: grid)

        print(String(format: "scalar engine: final loss %.5f, accuracy %.1f%%, %.2fs", r.scalarLoss.last ?? 0, 100 * r.scalarAccuracy, r.scalarSeconds))
        print(String(format: "tensor engine: final loss %.5f, accuracy %.1f%%, %.3fs", r.tensorLoss.last ?? 0, 100 * r.tensorAccuracy, r.tensorSeconds))
        print(String(format: "largest loss difference between the engines: %.2e (%@)", r.maxLossDifference,
                     r.maxLossDifference < 1e-4 ? "they agree" : "they DISAGREE"))
        print("wrote \(dir.path)/: config.json, gradient_check.json, metrics.csv, loss.png, decision_boundary.png")
    }
}

/// The chapter's figures: both engines' loss curves, and the decision boundary.
enum AutogradPlots {
    static func write(dir: URL, result: MLPDemo.Result, data: ToyData,
                      grid: (xs: [Float], ys: [Float], p: [[Float]])) throws {
        var loss = LineChart(title: "Two moons, one MLP, two engines: the curves coincide", xLabel: "step", yLabel: "loss", logY: true)
        loss.add(LineSeries(name: "scalar engine (Value)", y: result.scalarLoss))
        loss.add(LineSeries(name: "tensor engine (Variable)", y: result.tensorLoss, marker: nil))
        try loss.write(to: dir.appendingPathComponent("loss.png").path)

        let xr = Double(grid.xs.first!)...Double(grid.xs.last!), yr = Double(grid.ys.first!)...Double(grid.ys.last!)
        var scatter = ScatterChart(title: String(format: "Decision boundary (accuracy %.1f%%)", 100 * result.tensorAccuracy),
                                   xLabel: "x", yLabel: "y",
                                   background: .probability(x: xr, y: yr, grid.p.map { $0.map(Double.init) }))
        scatter.add(x: data.points.map { Double($0.x) }, y: data.points.map { Double($0.y) }, labels: data.labels,
                    names: ["class 0", "class 1"])
        try scatter.write(to: dir.appendingPathComponent("decision_boundary.png").path)
    }
}
