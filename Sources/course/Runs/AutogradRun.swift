import Autograd
import Core
import Foundation

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

/// The chapter's figures (drawn once the Plot library is in place).
enum AutogradPlots {
    static func write(dir: URL, result: MLPDemo.Result, data: ToyData,
                      grid: (xs: [Float], ys: [Float], p: [[Float]])) throws {
    }
}
