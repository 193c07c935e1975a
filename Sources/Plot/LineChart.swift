/// One line of a `LineChart`.
public struct LineSeries: Sendable {
    /// Shown in the legend; an empty name keeps the series out of the legend.
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// EMA weight in [0, 1) (TensorBoard's "smoothing"): when set, the raw values are drawn
    /// faint and the smoothed curve bold on top. 0.9 suits noisy per-step losses.
    public var smoothing: Double?
    /// Draws a marker at every point (useful for sparse series such as evaluation losses).
    public var marker: Marker?
    /// Defaults to the palette colour of the series' position in the chart.
    public var color: Color?
    /// A short text beside point i ("step 40"), placed on whichever side hides the least of the
    /// chart; nil, a shorter array or an empty string leaves a point unlabelled. Meant for a
    /// few points (checkpoints, the runs of a sweep), not for every step.
    public var labels: [String]?

    /// A series of points (x[i], y[i]). If the arrays differ in length the extra values are
    /// ignored. NaN or infinite values leave a gap in the line.
    public init(name: String, x: [Double], y: [Double], smoothing: Double? = nil, marker: Marker? = nil, color: Color? = nil,
                labels: [String]? = nil) {
        self.name = name; self.x = x; self.y = y
        self.smoothing = smoothing; self.marker = marker; self.color = color; self.labels = labels
    }

    /// A series with x = 0, 1, 2, ... (for example one value per step).
    public init(name: String, y: [Double], smoothing: Double? = nil, marker: Marker? = nil, color: Color? = nil,
                labels: [String]? = nil) {
        self.init(name: name, x: y.indices.map(Double.init), y: y, smoothing: smoothing, marker: marker, color: color, labels: labels)
    }
}

/// A line chart of one or more series: loss curves, reward curves, learning-rate schedules.
///
/// ```swift
/// var chart = LineChart(title: "GPT-2 pretraining", xLabel: "step", yLabel: "loss")
/// chart.add(LineSeries(name: "train", x: steps, y: trainLoss, smoothing: 0.9))
/// chart.add(LineSeries(name: "eval", x: evalSteps, y: evalLoss, marker: .circle))
/// chart.add(.horizontal(2.0, label: "unigram baseline"))
/// try chart.write(to: "runs/transformer/loss.png")
/// ```
public struct LineChart: Chart, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [LineSeries] = []
    /// Logarithmic y axis (values <= 0 are left out, as gaps).
    public var logY: Bool
    /// Fixed axis ranges; by default the x axis spans the data and y adds a 5% margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Dashed lines at fixed values (a chance level, the step a schedule changed).
    public var referenceLines: [ReferenceLine] = []

    public init(title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logY = logY
        self.xRange = xRange; self.yRange = yRange
    }

    public mutating func add(_ s: LineSeries) { series.append(s) }
    public mutating func add(_ line: ReferenceLine) { referenceLines.append(line) }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Per series: the values to draw (raw and, if smoothed, the EMA), with x/y paired up.
    func prepared() -> [(x: [Double], raw: [Double], smooth: [Double]?)] {
        series.map { s in
            let n = min(s.x.count, s.y.count)
            let x = Array(s.x.prefix(n)), y = Array(s.y.prefix(n)).map { logY && $0 <= 0 ? Double.nan : $0 }
            return (x, y, s.smoothing.map { Smoothing.ema(y, weight: $0) })
        }
    }

    /// The x values the automatic x range must hold: finite points and vertical reference lines.
    func xExtent() -> [Double] {
        var xs: [Double] = []
        for d in prepared() { for i in d.x.indices where d.x[i].isFinite && d.raw[i].isFinite { xs.append(d.x[i]) } }
        return xs + ReferenceLine.values(referenceLines, crossing: .vertical)
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
        var prepared: [(x: [Double], raw: [Double], smooth: [Double]?)]
        var legend: [LegendEntry]
        var placement: Legend.Placement
        var refs: [Rect]
        var points: [PointLabels.Placed]
        var heading: Double
        var hasData: Bool
    }

    func layout(_ p: Painter, style: PanelStyle = PanelStyle()) -> Laid {
        let prepared = prepared()
        var allX: [Double] = [], allY: [Double] = []
        for s in prepared {
            for i in s.x.indices where s.x[i].isFinite && s.raw[i].isFinite { allX.append(s.x[i]); allY.append(s.raw[i]) }
        }
        // Labelled points (checkpoints on a trade-off curve) get a margin on the x axis too, so
        // the first and last markers and their labels are not cut by the plot's edges.
        let hasPointLabels = series.contains { !($0.labels ?? []).allSatisfy(\.isEmpty) }
        var xs = AxisScale.fit(allX + ReferenceLine.values(referenceLines, crossing: .vertical), log: false, pad: hasPointLabels ? 0.04 : 0)
        var ys = AxisScale.fit(allY + ReferenceLine.values(referenceLines, crossing: .horizontal), log: logY, pad: 0.05)
        if let r = xRange, r.upperBound > r.lowerBound { xs = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: false) }
        if let shared = style.xScale { xs = shared }
        if let r = yRange, r.upperBound > r.lowerBound, !logY || r.lowerBound > 0 { ys = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: logY) }

        // A lone series named like the y axis needs no legend.
        let legend = (series.count == 1 && series[0].name == yLabel ? [] : series.enumerated().map { i, s in
            LegendEntry(name: s.name, swatch: .line(s.color ?? Palette.color(i), marker: s.marker))
        }) + ReferenceLine.legendEntries(referenceLines)
        let s = p.scale
        let heading = style.heading && !title.isEmpty ? Double(p.fonts.body.lineHeight) + 6 * s : 0
        func lines(_ f: Frame, step: Double) -> Obstacles {
            var o = Obstacles()
            for d in prepared { o.addPolyline(d.x.map(f.px), (d.smooth ?? d.raw).map(f.py), step: step) }
            return o
        }
        // Reference-line labels first, then point labels around them.
        func annotations(_ f: Frame) -> (refs: [Rect], points: [PointLabels.Placed]) {
            let refs = referenceLines.compactMap { $0.labelBox(in: f, p) }
            guard hasPointLabels else { return (refs, []) }
            let points = zip(series, prepared).enumerated().compactMap { i, sd -> PointLabels.Points? in
                guard let labels = sd.0.labels else { return nil }
                return PointLabels.Points(labels: labels, x: sd.1.x.map(f.px), y: sd.1.raw.map(f.py), color: sd.0.color ?? Palette.color(i),
                                          radius: sd.0.marker == nil ? 0 : (Theme.markerRadius + 1) * s)
            }
            return (refs, PointLabels.place(p, points, in: f.plot, lines: lines(f, step: 2 * s), taken: refs))
        }
        let (frame, _, placement) = Legend.layout(p, legend, frame: { rows in
            Frame(p, title: style.heading ? "" : title, x: Axis(title: style.xTitle ?? xLabel, scale: xs), y: Axis(title: yLabel, scale: ys),
                  legendRows: rows + heading, minLeft: style.minLeft, minRight: style.minRight, xTickLabels: style.xTickLabels)
        }, obstacles: { f in
            var o = lines(f, step: 4 * s)
            let a = annotations(f)
            o.rects += a.refs + a.points.map(\.box)
            return o
        })
        let placed = annotations(frame)
        return Laid(frame: frame, prepared: prepared, legend: legend, placement: placement, refs: placed.refs,
                    points: placed.points, heading: heading, hasData: !allY.isEmpty)
    }

    func paint(_ p: Painter, _ laid: Laid) -> ChartLayout {
        let (frame, prepared, s, heading) = (laid.frame, laid.prepared, p.scale, laid.heading)
        frame.drawGrid(p)
        p.clip(to: frame.plot)
        for r in referenceLines { r.drawLine(p, in: frame) }
        for (i, (sr, d)) in zip(series, prepared).enumerated() {
            let c = sr.color ?? Palette.color(i)
            let px = d.x.map(frame.px), rawY = d.raw.map(frame.py)
            if let smooth = d.smooth {
                p.polyline(px, rawY, width: Theme.rawLineWidth * s, color: c.opacity(Theme.rawOpacity))
                p.polyline(px, smooth.map(frame.py), width: Theme.lineWidth * s, color: c)
            } else {
                // A dense unsmoothed series (several points per pixel column) reads better thinner.
                let dense = Double(d.x.count) > frame.plot.width / s
                p.polyline(px, rawY, width: (dense ? Theme.denseLineWidth : Theme.lineWidth) * s, color: c)
            }
            if let m = sr.marker {
                for (x, y) in zip(px, rawY) where x.isFinite && y.isFinite {
                    p.marker(m, x: x, y: y, radius: Theme.markerRadius * s, fill: c, edge: .white, edgeWidth: s)
                }
            }
        }
        p.clip(to: nil)
        for r in referenceLines { r.drawLabel(p, in: frame) }
        PointLabels.draw(p, laid.points)
        if !laid.hasData { frame.drawNoData(p) }
        frame.drawAxes(p)
        let legendBox = Legend.draw(p, laid.legend, laid.placement, frame: frame)
        if heading > 0 { Frame.drawHeading(p, title, frame: frame, legend: legendBox, heading: heading) }
        return ChartLayout(plot: frame.plot, frame: frame, legend: legendBox, annotations: laid.refs + laid.points.map(\.box))
    }
}
