import Core
import Foundation

/// The chart gallery behind `course plot --demo DIR`: one chart of every kind, on synthetic
/// but realistic data (seeded, so the gallery is the same on every machine).
public enum Gallery {
    /// Writes the gallery and returns the paths written.
    public static func write(to dir: String) throws -> [String] {
        var rng = SeededRandom(seed: 2024)
        let charts: [(String, any Chart)] = [
            ("loss.png", lossCurve(&rng, logY: false)),
            ("loss-log.png", lossCurve(&rng, logY: true)),
            ("decision-boundary.png", spiral(&rng)),
            ("attention.png", attention(&rng)),
            ("rewards.png", rewards(&rng)),
            ("evaluation.png", evaluation(&rng)),
        ]
        var written: [String] = []
        for (name, chart) in charts {
            let path = (dir as NSString).appendingPathComponent(name)
            try chart.write(to: path)
            written.append(path)
        }
        return written
    }

    /// A noisy per-step training loss (smoothed) and an evaluation loss logged every 100 steps.
    static func lossCurve(_ rng: inout SeededRandom, logY: Bool) -> LineChart {
        var local = rng.split()
        func expected(_ t: Double) -> Double { 1.9 + 8.9 * exp(-t / 60) + 1.3 * exp(-t / 600) }
        let steps = (0..<2000).map(Double.init)
        let train = steps.map { expected($0) * (1 + 0.07 * Double(local.normal())) }
        let evalSteps = stride(from: 0.0, through: 2000, by: 100).map { $0 }
        let eval = evalSteps.map { expected($0) + 0.04 + 0.00012 * $0 + 0.02 * Double(local.normal()) }
        var chart = LineChart(title: logY ? "Pretraining loss (log scale)" : "Pretraining loss",
                              xLabel: "step", yLabel: "cross-entropy loss", logY: logY)
        chart.add(LineSeries(name: "train (EMA 0.9)", x: steps, y: train, smoothing: 0.9))
        chart.add(LineSeries(name: "eval", x: evalSteps, y: eval, marker: .circle))
        return chart
    }

    /// Two interleaved spirals and the class-1 probability of a kernel classifier on a grid.
    static func spiral(_ rng: inout SeededRandom) -> ScatterChart {
        var px: [[Double]] = [[], []], py: [[Double]] = [[], []]
        for k in 0..<2 {
            for i in 0..<150 {
                let t = 0.08 + 0.92 * Double(i) / 149
                let angle = 3.2 * .pi * t + Double(k) * .pi + 0.18 * Double(rng.normal())
                px[k].append(t * cos(angle)); py[k].append(t * sin(angle))
            }
        }
        let n = 90, lo = -1.2, hi = 1.2
        let grid = (0..<n).map { r -> [Double] in
            let gy = lo + (hi - lo) * Double(r) / Double(n - 1)
            return (0..<n).map { c -> Double in
                let gx = lo + (hi - lo) * Double(c) / Double(n - 1)
                var w = [1e-3, 1e-3]
                for k in 0..<2 {
                    for (x, y) in zip(px[k], py[k]) { w[k] += exp(-((x - gx) * (x - gx) + (y - gy) * (y - gy)) / (2 * 0.11 * 0.11)) }
                }
                return w[1] / (w[0] + w[1])
            }
        }
        var chart = ScatterChart(title: "Spiral data and the classifier's decision regions", xLabel: "x1", yLabel: "x2")
        chart.add(ScatterSeries(name: "class 0", x: px[0], y: py[0]))
        chart.add(ScatterSeries(name: "class 1", x: px[1], y: py[1]))
        chart.background = .probability(x: lo...hi, y: lo...hi, grid)
        return chart
    }

    /// Causal self-attention over a short support-desk message: an attention sink on the first
    /// token, a previous-token pattern, and a few content links; future positions are masked.
    static func attention(_ rng: inout SeededRandom) -> Heatmap {
        let tokens = ["<|im_start|>", "My", " order", " #4821", " arrived", " broken", ".", " Can", " I", " return", " it", "?"]
        let links: [Int: [Int: Double]] = [5: [4: 1.5, 2: 1.0], 9: [2: 2.2, 5: 1.6], 10: [2: 2.8, 3: 1.4], 11: [7: 2.0, 9: 1.2]]
        var weights: [[Double]] = []
        for i in tokens.indices {
            var scores = (0...i).map { j -> Double in
                var s = 0.5 * Double(rng.normal())
                if j == 0 { s += 2.2 }
                if j == i - 1 { s += 1.6 }
                s += links[i]?[j] ?? 0
                return s
            }
            let m = scores.max()!
            scores = scores.map { exp($0 - m) }
            let z = scores.reduce(0, +)
            weights.append(scores.map { $0 / z } + [Double](repeating: .nan, count: tokens.count - 1 - i))
        }
        let shown = tokens.map { $0.trimmingCharacters(in: .whitespaces) }
        return Heatmap(title: "Attention weights, layer 2 head 1 (grey: masked future)", xLabel: "key token",
                       yLabel: "query token", values: weights, rowLabels: shown, columnLabels: shown,
                       range: 0...1, colorBarLabel: "attention weight")
    }

    /// Reward-model scores of chosen and rejected replies on held-out preference pairs.
    static func rewards(_ rng: inout SeededRandom) -> Histogram {
        let chosen = (0..<600).map { _ in 1.1 + 0.85 * Double(rng.normal()) }
        let rejected = (0..<600).map { i in (i % 7 == 0 ? 0.7 : -0.8) + 0.9 * Double(rng.normal()) }
        var h = Histogram(title: "Reward model scores on held-out pairs", xLabel: "reward r(x, y)")
        h.add(HistogramSeries(name: "chosen", values: chosen))
        h.add(HistogramSeries(name: "rejected", values: rejected))
        return h
    }

    /// Grader pass rates per criterion for three models, with 95% Wilson intervals (n = 200).
    static func evaluation(_ rng: inout SeededRandom) -> BarChart {
        let criteria = ["apology", "confirms details", "correct policy", "procedure", "reassuring close"]
        let truth: [(String, [Double])] = [
            ("SFT", [0.82, 0.55, 0.61, 0.58, 0.70]),
            ("DPO", [0.90, 0.68, 0.72, 0.66, 0.84]),
            ("PPO", [0.93, 0.71, 0.69, 0.74, 0.88]),
        ]
        var chart = BarChart(title: "Grader pass rate by criterion (95% CI, n = 200)", yLabel: "pass rate",
                             categories: criteria, yRange: 0...1)
        let n = 200.0
        for (name, rates) in truth {
            let observed = rates.map { p in Double((0..<200).filter { _ in rng.uniform() < Float(p) }.count) / n }
            chart.add(BarSeries(name: name, values: observed, intervals: observed.map { wilson($0, n: n) }))
        }
        return chart
    }

    /// The Wilson score interval for a proportion (z = 1.96).
    static func wilson(_ p: Double, n: Double, z: Double = 1.96) -> ClosedRange<Double> {
        let d = 1 + z * z / n, centre = (p + z * z / (2 * n)) / d
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / d
        return max(0, centre - half)...min(1, centre + half)
    }
}
