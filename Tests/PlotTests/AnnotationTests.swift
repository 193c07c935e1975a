import Foundation
import Testing
@testable import Plot

@Suite("Panels, reference lines and point labels")
struct AnnotationTests {
    func draw(_ f: (Painter) -> ChartLayout, width: Int = 400, height: Int = 300, scale: Int = 1) -> (Canvas, ChartLayout) {
        let p = Painter(width: width * scale, height: height * scale, scale: scale)
        let layout = f(p)
        return (p.canvas(), layout)
    }

    @Test("The example figures render at full size (written to PLOT_GALLERY when it is set)")
    func gallery() throws {
        let figures: [(String, any Chart, Int)] = [
            ("panels.png", AnnotationExamples.panels, 620),
            ("panels-crowded.png", AnnotationExamples.crowdedPanels, 500),
            ("panels-bars.png", AnnotationExamples.barPanels, 560),
            ("reference-lines.png", AnnotationExamples.referenceLines, 500),
            ("reference-bars.png", AnnotationExamples.bars, 500),
            ("point-labels.png", AnnotationExamples.pointLabels, 500),
        ]
        for (name, chart, height) in figures {
            let canvas = chart.render(width: 800, height: height, scale: 2)
            #expect(canvas.width == 1600 && canvas.height == height * 2)
            if let dir = ProcessInfo.processInfo.environment["PLOT_GALLERY"] { try canvas.writePNG(path: dir + "/" + name) }
        }
    }

    @Test("A horizontal reference line is dashed at its value, with its label above its right end")
    func horizontalLine() throws {
        var chart = LineChart(xRange: 0...10, yRange: 0...1)
        chart.add(LineSeries(name: "", x: [0, 10], y: [0.8, 0.8], color: Color(hex: 0xFF0000)))
        chart.add(.horizontal(0.5, label: "chance"))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let y = Int(f.py(0.5))
        let label = try #require(layout.annotations.first)
        // Along the line, left of the label: dashes and gaps, both a good share of the row.
        let xs = Int(f.plot.x0) + 2..<Int(label.x0) - 2
        let dark = xs.filter { distance(c.pixel(x: $0, y: y), Theme.axis) < 60 }.count
        let light = xs.filter { distance(c.pixel(x: $0, y: y), .white) < 60 }.count
        #expect(Double(dark) > 0.4 * Double(xs.count) && Double(light) > 0.2 * Double(xs.count), "dark \(dark), light \(light) of \(xs.count)")
        #expect(ink(c, in: label) > 20, "the label is drawn")
        #expect(label.y1 <= f.py(0.5) && label.x1 <= f.plot.x1 && label.x0 >= f.plot.x0)
    }

    @Test("Reference lines widen the automatic ranges so they stay on the chart")
    func rangesHoldReferenceLines() throws {
        var chart = LineChart()
        chart.add(LineSeries(name: "", x: [0, 100], y: [0.6, 0.9]))
        chart.add(.horizontal(0.5, label: "chance"))
        chart.add(.vertical(150, label: "end of warm-up"))
        let (_, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        #expect(f.y.scale.lo <= 0.5 && f.y.scale.hi >= 0.9)
        #expect(f.x.scale.hi >= 150)
        #expect(layout.annotations.count == 2)
    }

    @Test("On a bar chart a horizontal line shows over the bars and a vertical one falls between groups")
    func barReferenceLines() throws {
        var chart = BarChart(categories: ["a", "b"], yRange: 0...1)
        chart.add(BarSeries(name: "", values: [0.8, 0.8]))
        chart.add(.horizontal(0.5, label: "chance"))
        chart.add(.vertical(0.5))
        let (c, layout) = draw { chart.draw(on: $0) }
        let f = try #require(layout.frame)
        let barColumn = f.px(0) - (f.px(1) - f.px(0)) * 0.2
        #expect(near(c, x: barColumn, y: f.py(0.5), color: Theme.axis, radius: 6, tolerance: 40), "dash over bar a")
        #expect(near(c, x: f.px(0.5), y: f.py(0.9), color: Theme.axis, radius: 1, tolerance: 40), "vertical line between the groups")
        #expect(layout.annotations.count == 1, "only the labelled line has a label")
    }

    @Test("Point labels sit beside their points, inside the plot, covering neither each other nor the markers")
    func pointLabels() throws {
        let chart = AnnotationExamples.pointLabels
        let (c, layout) = draw({ chart.draw(on: $0) }, width: 640, height: 400)
        let f = try #require(layout.frame)
        let boxes = layout.annotations
        #expect(boxes.count == 11)
        for (i, a) in boxes.enumerated() {
            #expect(a.x0 >= f.plot.x0 && a.x1 <= f.plot.x1 && a.y0 >= f.plot.y0 && a.y1 <= f.plot.y1, "label \(i) leaves the plot")
            #expect(ink(c, in: a) > 20, "label \(i) is drawn")
            for b in boxes[(i + 1)...] { #expect(!a.intersects(b), "labels overlap: \(a) and \(b)") }
            for s in chart.series {
                for (x, y) in zip(s.x, s.y) { #expect(!a.contains(f.px(x), f.py(y)), "label \(i) covers a point") }
            }
        }
        // Each label is near its own point: within a few label heights.
        let points = chart.series.flatMap { s in zip(s.x, s.y).map { (f.px($0), f.py($1)) } }
        for (a, (x, y)) in zip(boxes, points) {
            let dx = max(a.x0 - x, 0, x - a.x1), dy = max(a.y0 - y, 0, y - a.y1)
            #expect((dx * dx + dy * dy).squareRoot() < 3 * a.height, "label \(a) far from its point (\(x), \(y))")
        }
    }

    @Test("Panels share one x axis, line up their plots, and label the axis only at the bottom")
    func panels() throws {
        let figure = AnnotationExamples.panels
        let (c, panels) = figure.draw(width: 400, height: 450, scale: 1)
        #expect(c.width == 400 && c.height == 450)
        #expect(panels.count == 3)
        let frames = try panels.map { try #require($0.layout.frame) }
        #expect(Set(frames.map(\.plot.x0)).count == 1 && Set(frames.map(\.plot.x1)).count == 1, "plots line up")
        #expect(frames.allSatisfy { $0.x.scale == frames[0].x.scale && $0.x.scale.lo == 0 && $0.x.scale.hi == 400 })
        #expect(frames.map(\.y.title) == figure.panels.map(\.yLabel), "each panel keeps its own y axis title")
        #expect(frames.map(\.xTickLabels) == [false, false, true])
        // Panels stack without overlapping, and nothing is written under an upper panel's axis
        // (left of the plot, the lowest y tick label may reach below it).
        for i in 0..<2 {
            let below = Rect(x0: frames[i].plot.x0 + 2, y0: Double(panels[i].top) + frames[i].plot.y1 + 6, x1: 400, y1: Double(panels[i + 1].top))
            #expect(below.height > 4 && ink(c, in: below) == 0, "panel \(i) has x labels or overlaps the next")
        }
        let bottom = frames[2], top = Double(panels[2].top)
        #expect(ink(c, in: Rect(x0: bottom.plot.x0, y0: top + bottom.plot.y1 + 6, x1: bottom.plot.x1, y1: 450)) > 50, "bottom tick labels and title")
    }

    @Test("Bar panels share their categories, line up, and label the categories only at the bottom")
    func barPanels() throws {
        let figure = AnnotationExamples.barPanels
        let (c, panels) = figure.draw(width: 500, height: 420, scale: 1)
        #expect(panels.count == 2)
        let frames = try panels.map { try #require($0.layout.frame) }
        #expect(frames[0].plot.x0 == frames[1].plot.x0 && frames[0].plot.x1 == frames[1].plot.x1, "plots line up")
        #expect(frames.allSatisfy { $0.x.categories == ["SFT", "DPO", "IPO", "KTO", "ORPO"] })
        #expect(frames.map(\.y.title) == ["score (0-1)", "win rate"], "each panel keeps its own y axis")
        #expect(frames.map(\.xTickLabels) == [false, true])
        let below = Rect(x0: frames[0].plot.x0 + 2, y0: Double(panels[0].top) + frames[0].plot.y1 + 6, x1: 500, y1: Double(panels[1].top))
        #expect(ink(c, in: below) == 0, "no category labels under the upper panel")
        // The reference lines are named in the legends, not beside the lines.
        #expect(panels.allSatisfy { $0.layout.annotations.isEmpty && $0.layout.legend != nil })
    }

    @Test("A reference line named in the legend gets a legend entry and no label on the plot")
    func referenceInLegend() throws {
        var chart = LineChart(xRange: 0...10, yRange: 0...1)
        chart.add(LineSeries(name: "", x: [0, 10], y: [0.2, 0.3]))
        chart.add(.horizontal(0.5, label: "chance", inLegend: true))
        let (c, layout) = draw { chart.draw(on: $0) }
        #expect(layout.annotations.isEmpty)
        let legend = try #require(layout.legend)
        #expect(ink(c, in: legend) > 50, "the legend is drawn")
        var plain = chart
        plain.referenceLines[0].inLegend = false
        let (_, other) = draw { plain.draw(on: $0) }
        #expect(other.legend == nil && other.annotations.count == 1)
    }

    @Test("Panels with no panels, and labels missing or shorter than the data, still render")
    func degenerate() {
        #expect(Panels(title: "empty", xLabel: "step").render(width: 200, height: 150, scale: 1).height == 150)
        var chart = LineChart()
        chart.add(LineSeries(name: "", y: [1, 2, 3, .nan], marker: .circle, labels: ["one", ""]))
        chart.add(.vertical(.nan, label: "nowhere"))
        let one = Panels(panels: [chart]).render(width: 120, height: 90, scale: 2)
        #expect(one.width == 240 && one.height == 180)
        for (w, h, s) in [(1, 1, 1), (0, -5, 0), (60, 40, 2)] {
            #expect(AnnotationExamples.panels.render(width: w, height: h, scale: s).width >= 1)
            #expect(AnnotationExamples.pointLabels.render(width: w, height: h, scale: s).width >= 1)
        }
    }
}
