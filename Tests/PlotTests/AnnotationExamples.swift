import Foundation
@testable import Plot

/// Example figures for the newer chart features (small multiples, reference lines, point
/// labels), shared by the tests and the gallery (`PLOT_GALLERY=DIR swift test --filter
/// AnnotationTests` writes them as PNGs to look at).
enum AnnotationExamples {
    static let steps = (0...400).map(Double.init)
    static let evalSteps = stride(from: 0.0, through: 400, by: 40).map { $0 }

    /// Three quantities of one run, each in its own unit, over the same steps.
    static var panels: Panels {
        var loss = LineChart(title: "Policy loss", yLabel: "loss (nats/token)")
        loss.add(LineSeries(name: "train", x: steps, y: steps.map { 2.4 * exp(-$0 / 120) + 0.6 + 0.12 * wiggle(Int($0)) }, smoothing: 0.9))
        loss.add(LineSeries(name: "eval", x: evalSteps, y: evalSteps.map { 2.5 * exp(-$0 / 120) + 0.7 }, marker: .circle))
        var reward = LineChart(title: "Grader score on held-out prompts", yLabel: "score (0-1)")
        reward.add(LineSeries(name: "grader", x: evalSteps, y: evalSteps.map { 0.3 + 0.5 * (1 - exp(-$0 / 150)) }, marker: .circle))
        reward.add(.horizontal(0.5, label: "SFT baseline"))
        var kl = LineChart(title: "Drift from the reference model", yLabel: "KL (nats)")
        kl.add(LineSeries(name: "KL", x: steps, y: steps.map { 0.02 * $0 * (1 + 0.1 * wiggle(Int($0))) }))
        kl.add(.vertical(200, label: "learning rate halved"))
        return Panels(title: "PPO on the SupportDesk prompts", xLabel: "step", panels: [loss, reward, kl])
    }

    /// Two quantities per model, each on its own axis, as bar panels over the same models; the
    /// dashed lines are named in the legends (they run through the bars and their values).
    static var barPanels: Panels {
        let models = ["SFT", "DPO", "IPO", "KTO", "ORPO"]
        var score = BarChart(title: "Grader score", yLabel: "score (0-1)", categories: models, yRange: 0...1, showValues: true)
        score.add(BarSeries(name: "", values: [0.82, 0.85, 0.80, 0.87, 0.87]))
        score.add(.horizontal(0.82, label: "SFT's score", inLegend: true))
        var wins = BarChart(title: "Win rate against SFT", yLabel: "win rate", categories: models, yRange: 0...1, showValues: true)
        wins.add(BarSeries(name: "", values: [0.5, 0.6, 0.46, 0.69, 0.71], color: Palette.color(1)))
        wins.add(.horizontal(0.5, label: "0.5: as good as SFT", inLegend: true))
        return Panels(title: "Preference methods against SFT", xLabel: "model", bars: [score, wins])
    }

    /// A line chart with a dashed chance level and a vertical marker for a schedule change.
    static var referenceLines: LineChart {
        var chart = LineChart(title: "Reward model accuracy on held-out pairs", xLabel: "step", yLabel: "accuracy (fraction of pairs)")
        chart.add(LineSeries(name: "accuracy", x: evalSteps, y: evalSteps.map { 0.55 + 0.35 * (1 - exp(-$0 / 100)) }, marker: .circle))
        chart.add(.horizontal(0.5, label: "chance (0.5)"))
        chart.add(.vertical(100, label: "warm-up ends"))
        return chart
    }

    /// Grouped bars with a dashed chance level over them.
    static var bars: BarChart {
        var chart = BarChart(title: "Pairs ranked correctly, by flaw", xLabel: "flaw of the rejected reply",
                             yLabel: "accuracy (fraction of pairs)", categories: ["cold tone", "wrong policy", "over-promise", "missing step"],
                             yRange: 0...1)
        chart.add(BarSeries(name: "reward model", values: [0.92, 0.58, 0.74, 0.81], errors: [0.04, 0.08, 0.06, 0.05]))
        chart.add(BarSeries(name: "DPO implicit", values: [0.88, 0.47, 0.69, 0.77], errors: [0.05, 0.08, 0.07, 0.06]))
        chart.add(.horizontal(0.5, label: "chance"))
        return chart
    }

    /// A trade-off curve whose points are checkpoints, each labelled with its step.
    static var pointLabels: LineChart {
        let kl = [0.0, 0.4, 0.9, 1.6, 2.6, 3.9, 5.5]
        let score = [0.42, 0.55, 0.63, 0.68, 0.70, 0.69, 0.64]
        var chart = LineChart(title: "Grader score against drift, one point per checkpoint",
                              xLabel: "KL to the SFT model (nats)", yLabel: "grader score (0-1)")
        chart.add(LineSeries(name: "PPO", x: kl, y: score, marker: .circle, labels: kl.indices.map { "step \($0 * 40)" }))
        chart.add(LineSeries(name: "DPO", x: [0, 0.5, 1.1, 1.8], y: [0.42, 0.58, 0.66, 0.67], marker: .square,
                             labels: ["SFT", "beta 0.5", "beta 0.1", "beta 0.05"]))
        return chart
    }

    /// Panels whose data fill every corner, so their legends go above the plots, under the
    /// headings; y labels of very different widths.
    static var crowdedPanels: Panels {
        var a = LineChart(title: "Tokens per second", yLabel: "throughput (tokens/s)")
        for k in 0..<3 {
            a.add(LineSeries(name: "batch \(8 << k)", x: steps, y: steps.map { 120_000 + Double(k) * 40_000 + 60_000 * sin($0 / 13 + Double(k)) }))
        }
        var b = LineChart(title: "Gradient norm", yLabel: "norm", logY: true)
        b.add(LineSeries(name: "before clipping", x: steps, y: steps.map { 0.5 + 3 * exp(-$0 / 60) + 0.4 * abs(wiggle(Int($0))) }))
        b.add(LineSeries(name: "after clipping", x: steps, y: steps.map { min(1, 0.5 + 3 * exp(-$0 / 60)) }))
        b.add(.horizontal(1, label: "clip at 1.0"))
        return Panels(title: "Throughput and stability", xLabel: "step", panels: [a, b])
    }
}
