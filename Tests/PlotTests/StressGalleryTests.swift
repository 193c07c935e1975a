import Foundation
import Testing
@testable import Plot

/// Awkward inputs rendered at full size: many series, negative and huge values, long labels,
/// big matrices. The test checks that nothing crashes; with PLOT_GALLERY=DIR set it also writes
/// the images there, to look at by eye after changing the drawing code:
///
///     PLOT_GALLERY=/tmp/plot-stress swift test --filter StressGallery
@Suite("Stress gallery")
struct StressGalleryTests {
    func emit(_ name: String, _ chart: any Chart, scale: Int = 2) throws {
        let canvas = chart.render(width: 800, height: 500, scale: scale)
        #expect(canvas.width == 800 * scale)
        if let dir = ProcessInfo.processInfo.environment["PLOT_GALLERY"] {
            try canvas.writePNG(path: dir + "/" + name)
        }
    }

    @Test("awkward charts render without crashing")
    func gallery() throws {
        var many = LineChart(title: "Eight series, negative values", xLabel: "epoch", yLabel: "advantage")
        for k in 0..<8 {
            many.add(LineSeries(name: "policy \(k)", y: (0..<60).map { -2 + Double(k) * 0.5 + sin(Double($0) / 8 + Double(k)) + 0.1 * wiggle($0) }))
        }
        try emit("many-series.png", many)

        var huge = LineChart(title: "Large x, tiny y", xLabel: "tokens seen", yLabel: "gradient norm")
        huge.add(LineSeries(name: "grad norm", x: (0..<3000).map { Double($0) * 4096 }, y: (0..<3000).map { 1e-5 * (1.5 + wiggle($0)) }))
        try emit("huge-tiny.png", huge)

        var denseRaw = LineChart(title: "10,000 raw points (no smoothing)", xLabel: "step", yLabel: "reward")
        denseRaw.add(LineSeries(name: "reward", y: (0..<10000).map { tanh(Double($0) / 3000) + 0.3 * wiggle($0) }))
        try emit("dense.png", denseRaw)

        var scatter = ScatterChart(title: "Three classes, class-id background", xLabel: "feature 1", yLabel: "feature 2")
        let n = 60
        for k in 0..<3 {
            let a = Double(k) * 2 * .pi / 3
            scatter.add(ScatterSeries(name: "class \(k)", x: (0..<n).map { cos(a) * 2 + 0.8 * wiggle($0 + 100 * k) },
                                      y: (0..<n).map { sin(a) * 2 + 0.8 * wiggle($0 + 7 + 100 * k) }))
        }
        let ids: [[Int]] = (0..<40).map { r in (0..<40).map { c in
            let (x, y) = (-4 + 8 * Double(c) / 39, -4 + 8 * Double(r) / 39)
            let angle = atan2(y, x) < 0 ? atan2(y, x) + 2 * .pi : atan2(y, x)
            return Int(((angle + .pi / 3) / (2 * .pi / 3)).rounded(.down)) % 3
        } }
        scatter.background = .classes(x: -4...4, y: -4...4, ids)
        try emit("classes.png", scatter)

        let size = 48
        let big = (0..<size).map { i in (0..<size).map { j in j <= i ? exp(-Double(i - j) / 4) / 4 : 0 } }
        try emit("big-heatmap.png", Heatmap(title: "48 x 48 attention (index labels)", xLabel: "key", yLabel: "query",
                                            values: big, colorMap: .blues))

        let confusion: [[Double]] = [[41, 3, 1], [5, 37, 8], [0, 6, 44]]
        try emit("confusion.png", Heatmap(title: "Confusion matrix", xLabel: "predicted", yLabel: "true",
                                          values: confusion, rowLabels: ["refund", "shipping", "other"],
                                          columnLabels: ["refund", "shipping", "other"], colorMap: .blues, showValues: true))

        let cats = ["apology", "confirms order details", "quotes the correct policy", "gives the procedure",
                    "reassuring close", "no invented details", "polite tone", "answers in Japanese"]
        var bars = BarChart(title: "Many long categories, negative bars", yLabel: "score change", categories: cats, showValues: true)
        bars.add(BarSeries(name: "DPO - SFT", values: cats.indices.map { 0.3 * sin(Double($0)) }, errors: cats.map { _ in 0.05 }))
        bars.add(BarSeries(name: "PPO - SFT", values: cats.indices.map { 0.25 * cos(Double($0)) }, errors: cats.map { _ in 0.06 }))
        try emit("bars-long.png", bars)

        var density = Histogram(title: "Density of log-ratios", xLabel: "log pi/pi_ref", density: true)
        for k in 0..<3 { density.add(HistogramSeries(name: "epoch \(k + 1)", values: (0..<400).map { Double(k) * 0.4 + 0.5 * wiggle($0 * 3 + k) })) }
        try emit("density.png", density)

        var small = LineChart(title: "Readable at scale 1", xLabel: "step", yLabel: "loss")
        small.add(LineSeries(name: "train", y: (0..<300).map { 3 * exp(-Double($0) / 80) + 0.5 + 0.15 * wiggle($0) }, smoothing: 0.9))
        small.add(LineSeries(name: "eval", x: [0, 100, 200, 299], y: [3.4, 1.3, 0.8, 0.7], marker: .square))
        try emit("scale1.png", small, scale: 1)
    }
}
