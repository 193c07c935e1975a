import Autograd
import Core
import Foundation
import Plot

/// Chapter 1's demo: the same MLP trained by both engines on two moons.
enum AutogradRun {
    static func run(_ ctx: RunContext) throws {
        let dir = try ctx.directory("autograd")
        var c = MLPDemo.Config()
        c.seed = ctx.seed
        if ctx.preset == .quick { c.points = 60; c.steps = 60; c.hidden = 8 } else { c.points = 100; c.steps = 200; c.hidden = 12 }
        try writeJSON(c, to: dir.appendingPathComponent("config.json"))
        let data = ToyData.twoMoons(count: c.points, seed: c.seed)
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
        print("wrote \(dir.path)/: config.json, metrics.csv, loss.png, decision_boundary.png")
    }
}

/// The chapter's figures: both engines' loss curves (they should lie on top of each other)
/// and the tensor engine's decision boundary over the two moons.
enum AutogradPlots {
    static func write(dir: URL, result: MLPDemo.Result, data: ToyData,
                      grid: (xs: [Float], ys: [Float], p: [[Float]])) throws {
        var loss = LineChart(title: "Two moons: training loss of both engines", xLabel: "step", yLabel: "loss")
        let steps = result.tensorLoss.indices.map { Double($0 + 1) }
        loss.add(LineSeries(name: "scalar engine (Value)", x: steps, y: result.scalarLoss))
        loss.add(LineSeries(name: "tensor engine (Variable)", x: steps, y: result.tensorLoss))
        try loss.write(to: dir.appendingPathComponent("loss.png").path)

        guard let x0 = grid.xs.first, let x1 = grid.xs.last, let y0 = grid.ys.first, let y1 = grid.ys.last else { return }
        var boundary = ScatterChart(title: "Two moons: the MLP's decision boundary", xLabel: "x", yLabel: "y")
        boundary.background = .probability(x: Double(x0)...Double(x1), y: Double(y0)...Double(y1),
                                           grid.p.map { $0.map(Double.init) })
        boundary.add(x: data.points.map { Double($0.x) }, y: data.points.map { Double($0.y) }, labels: data.labels)
        try boundary.write(to: dir.appendingPathComponent("decision_boundary.png").path)
    }
}
