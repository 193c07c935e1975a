/// One group member of a `BarChart`: a value per category, with optional error bars.
public struct BarSeries: Sendable {
    public var name: String
    public var values: [Double]
    /// Error bar ends per category (NaN: no error bar).
    public var lower: [Double]?
    public var upper: [Double]?
    public var color: Color?

    /// Bars with optional symmetric error bars `value ± errors[i]`.
    public init(name: String, values: [Double], errors: [Double]? = nil, color: Color? = nil) {
        self.name = name; self.values = values; self.color = color
        if let e = errors {
            lower = zip(values, e).map { $0 - $1 }
            upper = zip(values, e).map { $0 + $1 }
        }
    }

    /// Bars with error bars over explicit intervals, e.g. 95% confidence intervals.
    public init(name: String, values: [Double], intervals: [ClosedRange<Double>], color: Color? = nil) {
        self.name = name; self.values = values; self.color = color
        lower = intervals.map(\.lowerBound)
        upper = intervals.map(\.upperBound)
    }
}

/// Grouped bars: one group per category, one bar per series, with optional error bars
/// (evaluation results with confidence intervals).
///
/// ```swift
/// var chart = BarChart(title: "Pass rate by criterion", yLabel: "pass rate",
///                      categories: ["apology", "details", "procedure"])
/// chart.add(BarSeries(name: "SFT", values: sft, intervals: sftCI))
/// chart.add(BarSeries(name: "DPO", values: dpo, intervals: dpoCI))
/// chart.yRange = 0...1
/// ```
public struct BarChart: Chart, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [BarSeries] = []
    /// Fixed y range; by default it holds 0, every bar and every error bar.
    public var yRange: ClosedRange<Double>?
    /// Prints each bar's value above it (when there is room).
    public var showValues: Bool
    /// Dashed lines at fixed values, drawn over the bars: a chance level, a target pass rate.
    public var referenceLines: [ReferenceLine] = []

    public init(title: String = "", xLabel: String = "", yLabel: String = "", categories: [String],
                yRange: ClosedRange<Double>? = nil, showValues: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.categories = categories
        self.yRange = yRange; self.showValues = showValues
    }

    public mutating func add(_ s: BarSeries) { series.append(s) }
    public mutating func add(_ line: ReferenceLine) { referenceLines.append(line) }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Draws the chart and returns where its parts went (tests check pixels against this).
    @discardableResult
    func draw(on p: Painter, style: PanelStyle = PanelStyle()) -> ChartLayout {
        paint(p, layout(p, style: style))
    }

    /// Everything `paint` needs, decided before a pixel is drawn (`Panels` lays its panels out
    /// once to line up their margins, then paints them).
    struct Laid {
        var frame: Frame
        var legend: [LegendEntry]
        var placement: Legend.Placement
        var heading: Double
    }

    /// The y range: 0, every bar, error bar and horizontal reference line, with headroom for
    /// value labels; or `yRange`.
    func yScale() -> AxisScale {
        let n = categories.count
        var extent: [Double] = [0] + ReferenceLine.values(referenceLines, crossing: .horizontal)
        for s in series {
            extent += s.values.prefix(n)
            extent += (s.lower ?? []).prefix(n) + (s.upper ?? []).prefix(n)
        }
        var ys = AxisScale.fit(extent, log: false, pad: 0)
        let span = ys.hi - ys.lo
        let room = showValues ? 0.15 : 0.07 // value labels need headroom
        ys = AxisScale(lo: ys.lo < 0 ? ys.lo - room * span : 0, hi: ys.hi > 0 ? ys.hi + room * span : 0, log: false)
        if let r = yRange, r.upperBound > r.lowerBound { ys = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: false) }
        return ys
    }

    func layout(_ p: Painter, style: PanelStyle = PanelStyle()) -> Laid {
        let n = categories.count
        let ys = yScale()
        let xs = AxisScale(lo: -0.5, hi: Double(max(1, n)) - 0.5, log: false)
        let legend = series.enumerated().map { j, sr in
            LegendEntry(name: sr.name, swatch: .patch(fill: sr.color ?? Palette.color(j), edge: sr.color ?? Palette.color(j)))
        } + ReferenceLine.legendEntries(referenceLines)
        let body = p.fonts.body, sc = p.scale
        let heading = style.heading && !title.isEmpty ? Double(body.lineHeight) + 6 * sc : 0
        let (frame, _, placement) = Legend.layout(p, legend, frame: { rows in
            Frame(p, title: style.heading ? "" : title, x: Axis(title: style.xTitle ?? xLabel, scale: xs, categories: categories),
                  y: Axis(title: yLabel, scale: ys), legendRows: rows + heading,
                  minLeft: style.minLeft, minRight: style.minRight, xTickLabels: style.xTickLabels)
        }, obstacles: { f in
            var o = Obstacles()
            o.rects += referenceLines.compactMap { $0.labelBox(in: f, p) }
            for b in bars(f) {
                o.rects.append(b.rect)
                if let e = b.error { o.rects.append(Rect(x0: b.rect.x0, y0: min(e.0, e.1), x1: b.rect.x1, y1: max(e.0, e.1))) }
                if showValues {
                    o.rects.append(b.value >= 0 ? Rect(x0: b.rect.x0, y0: b.labelY - Double(body.lineHeight) - 3 * sc, x1: b.rect.x1, y1: b.labelY)
                                                : Rect(x0: b.rect.x0, y0: b.labelBelowY, x1: b.rect.x1, y1: b.labelBelowY + Double(body.lineHeight) + 3 * sc))
                }
            }
            return o
        })
        return Laid(frame: frame, legend: legend, placement: placement, heading: heading)
    }

    func paint(_ p: Painter, _ laid: Laid) -> ChartLayout {
        let frame = laid.frame, body = p.fonts.body, sc = p.scale
        frame.drawGrid(p, vertical: false)
        p.clip(to: frame.plot)
        let all = bars(frame)
        for b in all { p.fill(b.rect, b.color) }
        for r in referenceLines { r.drawLine(p, in: frame) }
        for b in all {
            guard let (ylo, yhi) = b.error else { continue }
            let cx = (b.rect.x0 + b.rect.x1) / 2, cap = min(b.rect.width * 0.35, 8 * sc), lw = 1.25 * sc
            p.polyline([cx, cx], [ylo, yhi], width: lw, color: Theme.text)
            p.polyline([cx - cap, cx + cap], [yhi, yhi], width: lw, color: Theme.text)
            p.polyline([cx - cap, cx + cap], [ylo, ylo], width: lw, color: Theme.text)
        }
        p.clip(to: nil)
        if showValues {
            // Above a positive bar (or its error bar), below a negative one; only when the text is
            // narrower than the bar, so neighbouring labels cannot touch.
            for b in all {
                let text = Ticks.compact(b.value)
                guard Double(body.width(text)) <= b.rect.width - 2 * sc else { continue }
                let cx = (b.rect.x0 + b.rect.x1) / 2
                // Over a reference line the value sits on a faint white box, which breaks the
                // line under it instead of striking the number through.
                if !referenceLines.isEmpty {
                    let w = Double(body.width(text)) + 4 * sc, h = Double(body.lineHeight)
                    let y0 = b.value >= 0 ? b.labelY - 3 * sc - h : b.labelBelowY + 3 * sc
                    p.fill(Rect(x0: (cx - w / 2).rounded(), y0: y0.rounded(), x1: (cx + w / 2).rounded(), y1: (y0 + h).rounded()), Color.white.opacity(0.85))
                }
                if b.value >= 0 {
                    p.text(text, x: cx, y: b.labelY - 3 * sc, font: body, color: Theme.text, h: .center, v: .bottom)
                } else {
                    p.text(text, x: cx, y: b.labelBelowY + 3 * sc, font: body, color: Theme.text, h: .center, v: .top)
                }
            }
        }
        for r in referenceLines { r.drawLabel(p, in: frame) }
        if categories.isEmpty || series.isEmpty { frame.drawNoData(p) }
        frame.drawAxes(p)
        let legendBox = Legend.draw(p, laid.legend, laid.placement, frame: frame)
        if laid.heading > 0 { Frame.drawHeading(p, title, frame: frame, legend: legendBox, heading: laid.heading) }
        return ChartLayout(plot: frame.plot, frame: frame, legend: legendBox,
                           annotations: referenceLines.compactMap { $0.labelBox(in: frame, p) })
    }
}

extension BarChart {
    struct Bar {
        var rect: Rect, color: Color, value: Double
        /// Pixel y of the error bar's ends, if it has one.
        var error: (Double, Double)?
        /// Pixel y above which a value label goes (the top of the bar or of its error bar).
        var labelY: Double
        /// Pixel y below which the label of a negative bar goes.
        var labelBelowY: Double
    }

    /// Every bar's geometry in a laid-out frame: each category's slot holds the series side by
    /// side in 80% of its width; edges are snapped to whole pixels so bars stay crisp.
    func bars(_ f: Frame) -> [Bar] {
        let n = categories.count, m = max(1, series.count)
        let slot = f.plot.width / Double(max(1, n)), barW = slot * 0.8 / Double(m)
        let base = f.py(max(f.y.scale.lo, min(f.y.scale.hi, 0)))
        let gap = max(1, (0.02 * barW).rounded())
        var out: [Bar] = []
        for (j, sr) in series.enumerated() {
            let c = sr.color ?? Palette.color(j)
            for i in 0..<min(n, sr.values.count) where sr.values[i].isFinite {
                let x0 = f.px(Double(i)) - slot * 0.4 + Double(j) * barW
                let y = f.py(sr.values[i])
                let rect = Rect(x0: x0.rounded() + (j > 0 ? gap : 0), y0: min(y, base), x1: (x0 + barW).rounded(), y1: max(y, base))
                var bar = Bar(rect: rect, color: c, value: sr.values[i], error: nil, labelY: min(y, base), labelBelowY: max(y, base))
                if let lo = sr.lower?[safe: i], let hi = sr.upper?[safe: i], lo.isFinite, hi.isFinite {
                    bar.error = (f.py(lo), f.py(hi))
                    bar.labelY = min(bar.labelY, f.py(hi), f.py(lo))
                    bar.labelBelowY = max(bar.labelBelowY, f.py(hi), f.py(lo))
                }
                out.append(bar)
            }
        }
        return out
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
