import Foundation
import Testing
@testable import Plot

@Suite("Charts")
struct ChartTests {
    /// Renders at scale 1 and returns the canvas with the layout.
    func draw(_ f: (Painter) -> ChartLayout, width: Int = 400, height: Int = 300, scale: Int = 1) -> (Canvas, ChartLayout) {
        let p = Painter(width: width * scale, height: height * scale, scale: scale)
        let layout = f(p)
        return (p.canvas(), layout)
    }

    @Test("a line passes through the pixels of its data points")
    func linePixels() throws {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "loss", xRange: 0...10, yRange: 0...10)
        chart.add(LineSeries(name: "", x: [0, 10], y: [0, 10]))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let blue = Palette.color(0)
        for v in [1.0, 3, 5, 7] {
            #expect(near(c, x: f.px(v), y: f.py(v), color: blue, radius: 1, tolerance: 10), "no line pixel at (\(v), \(v))")
        }
        // Away from the line (and from the legend) the plot shows background or grid only.
        let off = c.pixel(x: Int(f.px(2)), y: Int(f.py(8)))
        #expect(distance(off, .white) < 30)
    }

    @Test("a scale-2 render is twice the size and still puts the line in the right place")
    func scaleTwo() throws {
        var chart = LineChart(xRange: 0...1, yRange: 0...1)
        chart.add(LineSeries(name: "", x: [0, 1], y: [0.5, 0.5], color: Color(hex: 0xFF0000)))
        let (c, layout) = draw({ chart.draw(on: $0) }, width: 200, height: 100, scale: 2)
        #expect(c.width == 400 && c.height == 200)
        let f = try #require(layout.frame)
        #expect(c.pixel(x: Int(f.px(0.5)), y: Int(f.py(0.5))) == Color(hex: 0xFF0000))
        #expect(c.pixel(x: Int(f.px(0.5)), y: Int(f.py(0.5) + 6)) != Color(hex: 0xFF0000))
    }

    @Test("NaN and infinite values leave a visible gap, and never crash")
    func nanGap() throws {
        var chart = LineChart(xRange: 0...6, yRange: 0...1)
        chart.add(LineSeries(name: "", x: [0, 1, 2, 3, 4, 5, 6], y: [0.5, 0.5, 0.5, .nan, 0.5, .infinity, 0.5],
                             color: Color(hex: 0xFF0000)))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let red = Color(hex: 0xFF0000)
        #expect(near(c, x: f.px(1), y: f.py(0.5), color: red, radius: 0, tolerance: 5))
        #expect(!near(c, x: f.px(3), y: f.py(0.5), color: red, radius: 2, tolerance: 120), "the NaN at x = 3 should leave a gap")
        #expect(!near(c, x: f.px(4.5), y: f.py(0.5), color: red, radius: 2, tolerance: 120), "the inf at x = 5 should leave a gap")
        // The point at x = 4 is alone between two gaps: it is drawn as a dot.
        #expect(near(c, x: f.px(4), y: f.py(0.5), color: red, radius: 1, tolerance: 60))
    }

    @Test("empty, all-NaN and mismatched series render without crashing")
    func degenerate() {
        let charts: [any Chart] = [
            LineChart(title: "empty"),
            { var c = LineChart(logY: true); c.add(LineSeries(name: "nan", y: [.nan, -1, 0])); return c }(),
            { var c = LineChart(); c.add(LineSeries(name: "short", x: [1, 2, 3], y: [4])); return c }(),
            { var c = LineChart(); c.add(LineSeries(name: "flat", y: [7, 7, 7])); return c }(),
            ScatterChart(title: "empty"),
            Heatmap(values: []),
            Heatmap(values: [[.nan, .nan], [1]]),
            Histogram(),
            { var h = Histogram(); h.add(HistogramSeries(name: "same", values: [3, 3, 3])); return h }(),
            BarChart(categories: []),
            { var b = BarChart(categories: ["a", "b"]); b.add(BarSeries(name: "x", values: [.nan, -2, 5], errors: [1])); return b }(),
        ]
        for chart in charts {
            let c = chart.render(width: 200, height: 150, scale: 1)
            #expect(c.width == 200 && c.height == 150)
        }
    }

    @Test("every chart kind survives absurdly small sizes and large scales")
    func tinySizes() {
        var line = LineChart(title: "a long title that cannot fit", xLabel: "x", yLabel: "y", logY: true)
        line.add(LineSeries(name: "s", y: [1, 10, 100], smoothing: 0.5, marker: .diamond))
        var scatter = ScatterChart(title: "t")
        scatter.add(x: [0, 1, 2], y: [1, 0, 1], labels: [0, 1, 0])
        scatter.background = .probability(x: 0...2, y: 0...1, [[0, 1], [1, 0]])
        var hist = Histogram(title: "h")
        hist.add(HistogramSeries(name: "a", values: [1, 2, 2, 3]))
        var bars = BarChart(title: "b", categories: ["one", "two"], showValues: true)
        bars.add(BarSeries(name: "x", values: [1, -1], errors: [0.1, 0.2]))
        let heat = Heatmap(title: "m", values: [[1, 2], [3, 4]], colorBarLabel: "v", showValues: true)
        let charts: [any Chart] = [line, scatter, hist, bars, heat]
        for chart in charts {
            for (w, h, s) in [(1, 1, 1), (0, -5, 0), (20, 15, 1), (60, 40, 2), (120, 80, 4)] {
                let c = chart.render(width: w, height: h, scale: s)
                #expect(c.width >= 1 && c.height >= 1)
            }
        }
    }

    @Test("the legend, title, tick labels and axis titles are drawn")
    func labelsAndLegend() throws {
        var chart = LineChart(title: "Training loss", xLabel: "step", yLabel: "loss")
        chart.add(LineSeries(name: "train", y: (0..<200).map { 3 * exp(-Double($0) / 50) + 0.1 * wiggle($0) }, smoothing: 0.9))
        chart.add(LineSeries(name: "eval", x: [0, 100, 199], y: [3, 0.6, 0.4], marker: .circle))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let legend = try #require(layout.legend)
        #expect(ink(c, in: legend) > 100, "legend box should hold swatches and names")
        #expect(ink(c, in: Rect(x0: 0, y0: 0, x1: Double(c.width), y1: f.plot.y0 - 2)) > 50, "title")
        #expect(ink(c, in: Rect(x0: 0, y0: f.plot.y0, x1: f.plot.x0 - 6, y1: f.plot.y1)) > 50, "y tick labels and title")
        #expect(ink(c, in: Rect(x0: f.plot.x0, y0: f.plot.y1 + 6, x1: f.plot.x1, y1: Double(c.height))) > 50, "x tick labels and title")
        #expect(f.yTicks.count >= 3 && f.xTicks.count >= 3)
        // The legend sits inside the plot and avoids the data: the curves fall in the lower left.
        #expect(legend.x0 >= f.plot.x0 && legend.x1 <= f.plot.x1 && legend.y0 >= f.plot.y0 && legend.y1 <= f.plot.y1)
    }

    @Test("the same chart gives byte-identical PNG data")
    func deterministic() throws {
        func make() -> LineChart {
            var chart = LineChart(title: "Determinism", xLabel: "step", yLabel: "loss", logY: true)
            chart.add(LineSeries(name: "a", y: (0..<500).map { 2 + exp(-Double($0) / 80) + 0.2 * wiggle($0) }, smoothing: 0.95))
            return chart
        }
        let a = try make().pngData(width: 300, height: 200), b = try make().pngData(width: 300, height: 200)
        #expect(a == b)
        let dir = try temporaryFolder()
        try make().write(to: dir + "/1.png", width: 300, height: 200)
        try make().write(to: dir + "/2.png", width: 300, height: 200)
        #expect(FileManager.default.contents(atPath: dir + "/1.png") == FileManager.default.contents(atPath: dir + "/2.png"))
        #expect(FileManager.default.contents(atPath: dir + "/1.png").map { [UInt8]($0) } == a)
    }

    @Test("scatter points take their class colour and the decision grid fills the background")
    func scatter() throws {
        var chart = ScatterChart(title: "classes")
        chart.add(ScatterSeries(name: "zero", x: [-0.5], y: [-0.5]))
        chart.add(ScatterSeries(name: "one", x: [0.5], y: [0.5]))
        chart.background = .probability(x: -1...1, y: -1...1, [[0, 0], [1, 1]]) // P(one) grows with y
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        #expect(distance(c.pixel(x: Int(f.px(-0.5)), y: Int(f.py(-0.5))), Palette.color(0)) < 40)
        #expect(distance(c.pixel(x: Int(f.px(0.5)), y: Int(f.py(0.5))), Palette.color(1)) < 40)
        // Bottom of the grid: pale class-0 colour; top: pale class-1 colour.
        #expect(distance(c.pixel(x: Int(f.px(0.9)), y: Int(f.py(-0.95))), Palette.color(0).tint(0.72)) < 12)
        #expect(distance(c.pixel(x: Int(f.px(-0.9)), y: Int(f.py(0.95))), Palette.color(1).tint(0.72)) < 12)
        // The p = 0.5 boundary runs along y = 0.
        #expect(distance(c.pixel(x: Int(f.px(-0.25)), y: Int(f.py(0))), Theme.text) < 110)
    }

    @Test("heatmap cells show the colour map's ends and the colour bar is drawn")
    func heatmap() throws {
        let map = Heatmap(title: "attention", values: [[0, 1], [1, 0]], rowLabels: ["a", "b"], columnLabels: ["a", "b"])
        let (c, layout) = draw { map.draw(on: $0) }
        let g = layout.plot
        let cell = g.width / 2
        #expect(c.pixel(x: Int(g.x0 + cell / 2), y: Int(g.y0 + cell / 2)) == ColorMap.viridis.color(at: 0))
        #expect(c.pixel(x: Int(g.x0 + cell * 1.5), y: Int(g.y0 + cell / 2)) == ColorMap.viridis.color(at: 1))
        let bar = try #require(layout.colorBar)
        #expect(distance(c.pixel(x: Int(bar.x0 + bar.width / 2), y: Int(bar.y0 + 2)), ColorMap.viridis.color(at: 1)) < 20)
        #expect(ink(c, in: Rect(x0: 0, y0: g.y0, x1: g.x0 - 2, y1: g.y1)) > 20, "row labels")
        #expect(ink(c, in: Rect(x0: bar.x1 + 2, y0: bar.y0 - 8, x1: Double(c.width), y1: bar.y1 + 8)) > 20, "colour bar labels")
    }

    @Test("histogram bins share nice edges and the bars reach the right counts")
    func histogram() throws {
        var h = Histogram(title: "rewards", bins: 4)
        h.add(HistogramSeries(name: "a", values: [0.1, 0.2, 0.3, 1.1, 1.2, 3.9]))
        let edges = h.binEdges()
        #expect(edges.first == 0 && edges.last == 4)
        #expect(zip(edges, edges.dropFirst()).allSatisfy { abs(($1 - $0) - 1) < 1e-12 })
        let (c, layout) = draw { h.draw(on: $0) }
        let f = try #require(layout.frame)
        // Bin [0, 1) holds 3 values: filled up to 3, empty above.
        let fill = Palette.color(0).opacity(0.4)
        let expected = Color.white.mixed(with: Color(r: fill.r, g: fill.g, b: fill.b), 0.4)
        #expect(distance(c.pixel(x: Int(f.px(0.5)), y: Int(f.py(1.7))), expected) < 20)
        #expect(distance(c.pixel(x: Int(f.px(0.5)), y: Int(f.py(3.1))), .white) < 30)
    }

    @Test("bars rise to their values and error bars are drawn")
    func bars() throws {
        var chart = BarChart(title: "eval", yLabel: "rate", categories: ["x", "y"], yRange: 0...1)
        chart.add(BarSeries(name: "model", values: [0.25, 0.75], errors: [0.1, 0.1]))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let barX = f.px(1) - (f.px(1) - f.px(0)) * 0.2 // left part of bar "y", away from the error bar
        #expect(c.pixel(x: Int(barX), y: Int(f.py(0.5))) == Palette.color(0))
        #expect(distance(c.pixel(x: Int(barX), y: Int(f.py(0.8))), .white) < 30)
        #expect(near(c, x: f.px(1), y: f.py(0.85), color: Theme.text, radius: 2, tolerance: 40), "error bar above bar y")
    }

    @Test("long category labels turn vertical instead of overlapping")
    func verticalLabels() throws {
        let cats = (0..<12).map { "category number \($0)" }
        var chart = BarChart(categories: cats)
        chart.add(BarSeries(name: "", values: cats.indices.map(Double.init)))
        let (_, layout) = draw { chart.draw(on: $0) }
        #expect(try #require(layout.frame).xLabelsVertical)
    }

    @Test("a 10,000-point smoothed line chart renders in well under a second")
    func speed() throws {
        var chart = LineChart(title: "10k steps", xLabel: "step", yLabel: "loss")
        chart.add(LineSeries(name: "train", y: (0..<10_000).map { 2 + 8 * exp(-Double($0) / 500) + 0.3 * wiggle($0) }, smoothing: 0.95))
        chart.add(LineSeries(name: "eval", x: stride(from: 0.0, to: 10_000, by: 500).map { $0 },
                             y: stride(from: 0.0, to: 10_000, by: 500).map { 2.1 + 8 * exp(-$0 / 500) }, marker: .circle))
        let clock = ContinuousClock()
        var canvas: Canvas?
        let elapsed = clock.measure { canvas = chart.render() }
        #expect(canvas?.width == 1600)
        // Plot is compiled with -O even in debug builds; on a shared 2-core CI machine a render
        // takes ~0.1 s, so one second leaves room for noise while still catching a slow path.
        #expect(elapsed < .seconds(1), "rendering took \(elapsed)")
    }

    @Test("text outside ASCII draws a box instead of crashing")
    func nonASCII() {
        var chart = LineChart(title: "損失 ✓ – loss")
        chart.add(LineSeries(name: "ü", y: [1, 2]))
        let c = chart.render(width: 200, height: 150, scale: 3)
        #expect(c.width == 600)
    }

    @Test("every printable ASCII character has a glyph at scales 1 to 4")
    func font() {
        for scale in 1...4 {
            let fonts = Fonts(scale: scale)
            for v in 33...126 {
                let g = fonts.body.glyph(Unicode.Scalar(UInt8(v)))!
                #expect(g.w > 0 && g.h > 0 && g.coverage.count == g.w * g.h && g.coverage.contains { $0 > 0 })
            }
            #expect(fonts.body.width("") == 0)
            #expect(fonts.title.lineHeight > fonts.body.lineHeight)
        }
    }
}
