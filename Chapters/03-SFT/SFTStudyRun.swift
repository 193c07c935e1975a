import Autograd
import Core
import Foundation
import Plot
import SupportDesk
import Transformer

/// Chapter 3's two studies, each SFT run starting from the same pretrained model with the same
/// number of steps: (1) how the grader score grows with the number of good examples — the
/// "start with 100 to 500 good examples" advice made measurable — and (2) what a share of
/// flawed replies among the targets does to it. Writes runs/sft-study/.
public enum SFTStudyRun {
    public struct Settings: Codable, Sendable {
        var sizes: [Int]
        var flawedShares: [Double]
        var flawedSize: Int
        var train: SFTTrainer.Settings
    }

    public static func settings(_ preset: Preset, seed: UInt64) -> Settings {
        preset == .quick
            ? Settings(sizes: [20, 60], flawedShares: [0.5], flawedSize: 60,
                       train: .init(steps: 8, rowsPerBatch: 2, learningRate: 1e-3, warmupSteps: 2, evalEvery: 1000, gradedPrompts: 3, seed: seed))
            : Settings(sizes: [30, 100, 300, 1000], flawedShares: [0.25, 0.5], flawedSize: 1000,
                       train: .init(steps: 150, rowsPerBatch: 8, learningRate: 1e-3, warmupSteps: 15, evalEvery: 1000, gradedPrompts: 40, seed: seed))
    }

    /// Every SFT run of the study starts from the pretrained model in `base` (a model folder).
    public static func run(_ spec: RunSpec, settings s: Settings, base: URL) throws {
        let dir = spec.dir
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        // Good examples: replies in house style (no habits; the main SFT run keeps them).
        let data = spec.builtInData(spec.quick ? .small : .default, habitShare: 0)
        let graded = Array(data.dev.prefix(s.train.gradedPrompts))
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"),
                                    columns: ["examples", "flawed_share", "overall", "structure", "facts", "tone", "grounded", "eval_loss"])

        func trainAndGrade(_ examples: [[Message]], label: String) throws -> (ReplyEvaluator.Scores, Double) {
            let (model, template) = try SFTRun.loadModel(base)
            let t = try SFTTrainer(model: model, template: template, examples: examples,
                                   heldOut: data.dev.prefix(40).map { $0.prompt + $0.reference }, graded: graded, settings: s.train)
            try t.run(metrics: MetricsWriter(url: dir.appendingPathComponent("runs/\(label).csv"), columns: SFTTrainer.metricColumns), label: label)
            return (ReplyEvaluator(template: template).evaluate(model, items: graded).0, t.evalLoss())
        }
        func log(_ n: Int, _ share: Double, _ r: (ReplyEvaluator.Scores, Double)) throws {
            metrics.log(["examples": Double(n), "flawed_share": share, "overall": r.0.overall, "structure": r.0.structure,
                         "facts": r.0.facts, "tone": r.0.tone, "grounded": r.0.grounded, "eval_loss": r.1])
            try metrics.flush()
            print(String(format: "%5d examples, %2.0f%% flawed: grader %.3f (structure %.0f%%, facts %.0f%%, tone %.0f%%)",
                         n, share * 100, r.0.overall, r.0.structure * 100, r.0.facts * 100, r.0.tone * 100))
        }
        // (1) Data size: the first n good examples.
        for n in s.sizes { try log(n, 0, try trainAndGrade(data.sft.prefix(n).map(\.messages), label: "size-\(n)")) }
        // (2) Data quality: the same number of examples, a share of them with a flawed reply as the target.
        let flawed = data.preferences.map { $0.prompt + $0.rejected }
        for share in s.flawedShares {
            let bad = Int(Double(s.flawedSize) * share)
            var mix = data.sft.prefix(s.flawedSize - bad).map(\.messages) + flawed.prefix(bad)
            var rng = SeededRandom(seed: spec.seed &+ 7)
            rng.shuffle(&mix)
            try log(s.flawedSize, share, try trainAndGrade(mix, label: "flawed-\(Int(share * 100))"))
        }
        try plots(metrics, dir: dir, s)
        print("wrote \(dir.path)/")
    }

    static func plots(_ m: MetricsWriter, dir: URL, _ s: Settings) throws {
        let rows = m.rows
        let clean = rows.filter { $0[1] == 0 }
        var size = LineChart(title: "SFT: grader score against the number of good examples", xLabel: "training examples (log scale)",
                             yLabel: "score on held-out prompts", yRange: 0...1)
        let logx = clean.map { log10($0[0]) }
        for (name, c) in [("overall", 2), ("structure", 3), ("facts", 4)] {
            size.add(LineSeries(name: name, x: logx, y: clean.map { $0[c] }, marker: .circle))
        }
        size.xLabel = "log10(training examples)"
        try size.write(to: dir.appendingPathComponent("data-size.png").path)

        let sameSize = rows.filter { $0[0] == Double(s.flawedSize) }.sorted { $0[1] < $1[1] }
        var quality = BarChart(title: "SFT on \(s.flawedSize) examples: a share of flawed targets", yLabel: "score",
                               categories: sameSize.map { String(format: "%.0f%% flawed", $0[1] * 100) }, yRange: 0...1)
        for (name, c) in [("overall", 2), ("tone", 5), ("facts", 4), ("grounded", 6)] {
            quality.add(BarSeries(name: name, values: sameSize.map { $0[c] }))
        }
        try quality.write(to: dir.appendingPathComponent("data-quality.png").path)
    }
}
