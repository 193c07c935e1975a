import Foundation
import Testing
@testable import Plot

/// Small reference images, committed in Tests/PlotTests/Golden. A change to the rendering shows
/// up here as a failure; after checking the new images by eye, regenerate them with
///
///     scripts/update-plot-goldens.sh      (PLOT_UPDATE_GOLDENS=1 swift test --filter GoldenTests)
@Suite("Golden images")
struct GoldenTests {
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares the PNG of `canvas` with Golden/`name`: decoded pixels must match exactly, and
    /// on Linux (where the goldens are made) the bytes too. zlib builds on other systems may
    /// compress the same pixels into different bytes.
    func check(_ name: String, _ canvas: Canvas) throws {
        let bytes = try canvas.pngData()
        let source = GoldenTests.sourceFolder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PLOT_UPDATE_GOLDENS"] == "1" {
            try Data(bytes).write(to: source)
            return
        }
        let stored = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden")
            .flatMap { FileManager.default.contents(atPath: $0.path) } ?? FileManager.default.contents(atPath: source.path)
        guard let stored else {
            Issue.record("Golden/\(name) is missing: run scripts/update-plot-goldens.sh")
            return
        }
        let expected = try PNGImage.decode([UInt8](stored)), actual = try PNGImage.decode(bytes)
        let sameSize = actual.width == expected.width && actual.height == expected.height
        #expect(sameSize, "Golden/\(name): \(actual.width)x\(actual.height), expected \(expected.width)x\(expected.height)")
        guard sameSize else { return }
        // Count differing pixels rather than printing two images' worth of bytes.
        let differing = stride(from: 0, to: actual.rgba.count, by: 4).filter { actual.rgba[$0..<$0 + 4] != expected.rgba[$0..<$0 + 4] }.count
        #expect(differing == 0, "Golden/\(name): \(differing) pixels differ (look at the new image, then run scripts/update-plot-goldens.sh)")
        #if os(Linux)
        let sameBytes = bytes == [UInt8](stored)
        #expect(sameBytes, "Golden/\(name): PNG bytes differ")
        #endif
    }

    @Test("line chart with smoothing, markers and a NaN gap")
    func line() throws {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "loss")
        var y = (0..<120).map { 2.5 * exp(-Double($0) / 30) + 0.4 + 0.15 * wiggle($0) }
        y[60] = .nan
        chart.add(LineSeries(name: "train", y: y, smoothing: 0.8))
        chart.add(LineSeries(name: "eval", x: [0, 40, 80, 119], y: [2.9, 1.0, 0.6, 0.5], marker: .circle))
        try check("line.png", chart.render(width: 240, height: 180, scale: 1))
    }

    @Test("log-scale line chart at scale 2")
    func logLine() throws {
        var chart = LineChart(title: "Loss (log)", xLabel: "step", logY: true)
        chart.add(LineSeries(name: "", y: (0..<100).map { 8 * exp(-Double($0) / 20) + 0.3 }))
        try check("line-log-2x.png", chart.render(width: 240, height: 180, scale: 2))
    }

    @Test("scatter plot over a decision grid")
    func scatter() throws {
        var chart = ScatterChart(title: "Regions")
        let t = (0..<12).map { Double($0) / 11 }
        chart.add(ScatterSeries(name: "0", x: t.map { -0.8 + 0.6 * $0 }, y: t.map { 0.5 * sin(6 * $0) - 0.3 }))
        chart.add(ScatterSeries(name: "1", x: t.map { 0.2 + 0.6 * $0 }, y: t.map { 0.5 * cos(6 * $0) + 0.3 }))
        func p(_ r: Int, _ c: Int) -> Double {
            let z: Double = Double(c) - 4 + 0.5 * Double(r) - 2
            return 1 / (1 + exp(-z))
        }
        let grid: [[Double]] = (0..<9).map { r in (0..<9).map { c in p(r, c) } }
        chart.background = .probability(x: -1...1, y: -1...1, grid)
        try check("scatter.png", chart.render(width: 240, height: 180, scale: 1))
    }

    @Test("heatmap with token labels and a colour bar")
    func heatmap() throws {
        let tokens = ["<s>", "the", "cat", "sat"]
        let w = (0..<4).map { i in (0..<4).map { j in j <= i ? 1 / Double(i + 1) : .nan } }
        let map = Heatmap(title: "Attention", values: w, rowLabels: tokens, columnLabels: tokens, range: 0...1)
        try check("heatmap.png", map.render(width: 240, height: 180, scale: 1))
    }

    @Test("overlaid histograms and grouped bars with error bars")
    func histogramAndBars() throws {
        var h = Histogram(title: "Rewards", xLabel: "reward")
        h.add(HistogramSeries(name: "chosen", values: (0..<200).map { 1 + wiggle($0) * 1.2 }))
        h.add(HistogramSeries(name: "rejected", values: (0..<200).map { -0.5 + wiggle($0 + 1000) * 1.2 }))
        try check("histogram.png", h.render(width: 240, height: 180, scale: 1))
        var b = BarChart(title: "Pass rate", categories: ["tone", "policy"], yRange: 0...1)
        b.add(BarSeries(name: "SFT", values: [0.6, 0.5], errors: [0.08, 0.1]))
        b.add(BarSeries(name: "DPO", values: [0.8, 0.7], intervals: [0.7...0.88, 0.6...0.78]))
        try check("bars.png", b.render(width: 240, height: 180, scale: 1))
    }

    @Test("stacked panels with reference lines and point labels")
    func panelsAndAnnotations() throws {
        var loss = LineChart(title: "Loss", yLabel: "loss (nats)")
        loss.add(LineSeries(name: "", y: (0..<80).map { 2 * exp(-Double($0) / 25) + 0.3 + 0.05 * wiggle($0) }))
        loss.add(.vertical(40, label: "decay"))
        var score = LineChart(title: "Score", yLabel: "score")
        score.add(LineSeries(name: "", x: [0, 20, 40, 60, 79], y: [0.3, 0.45, 0.6, 0.66, 0.7], marker: .circle,
                             labels: ["", "step 20", "", "step 60", ""]))
        score.add(.horizontal(0.5, label: "chance"))
        try check("panels.png", Panels(title: "Run", xLabel: "step", panels: [loss, score]).render(width: 240, height: 320, scale: 1))
    }
}
