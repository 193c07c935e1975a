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

    /// A series of points (x[i], y[i]). If the arrays differ in length the extra values are
    /// ignored. NaN or infinite values leave a gap in the line.
    public init(name: String, x: [Double], y: [Double], smoothing: Double? = nil, marker: Marker? = nil, color: Color? = nil) {
        self.name = name; self.x = x; self.y = y
        self.smoothing = smoothing; self.marker = marker; self.color = color
    }

    /// A series with x = 0, 1, 2, ... (for example one value per step).
    public init(name: String, y: [Double], smoothing: Double? = nil, marker: Marker? = nil, color: Color? = nil) {
        self.init(name: name, x: y.indices.map(Double.init), y: y, smoothing: smoothing, marker: marker, color: color)
    }
}

/// A line chart of one or more series: loss curves, reward curves, learning-rate schedules.
///
/// ```swift
/// var chart = LineChart(title: "GPT-2 pretraining", xLabel: "step", yLabel: "loss")
/// chart.add(LineSeries(name: "train", x: steps, y: trainLoss, smoothing: 0.9))
/// chart.add(LineSeries(name: "eval", x: evalSteps, y: evalLoss, marker: .circle))
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

    public init(title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logY = logY
        self.xRange = xRange; self.yRange = yRange
    }

    public mutating func add(_ s: LineSeries) { series.append(s) }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Draws the chart and returns where its parts went (tests check pixels against this).
    @discardableResult
    func draw(on p: Painter) -> ChartLayout {
        // Per series: the values to draw (raw and, if smoothed, the EMA), with x/y paired up.
        let prepared = series.map { s -> (x: [Double], raw: [Double], smooth: [Double]?) in
            let n = min(s.x.count, s.y.count)
            let x = Array(s.x.prefix(n)), y = Array(s.y.prefix(n)).map { logY && $0 <= 0 ? Double.nan : $0 }
            return (x, y, s.smoothing.map { Smoothing.ema(y, weight: $0) })
        }
        var allX: [Double] = [], allY: [Double] = []
        for s in prepared {
            for i in s.x.indices where s.x[i].isFinite && s.raw[i].isFinite { allX.append(s.x[i]); allY.append(s.raw[i]) }
        }
        var xs = AxisScale.fit(allX, log: false, pad: 0)
        var ys = AxisScale.fit(allY, log: logY, pad: 0.05)
        if let r = xRange, r.upperBound > r.lowerBound { xs = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: false) }
        if let r = yRange, r.upperBound > r.lowerBound, !logY || r.lowerBound > 0 { ys = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: logY) }

        // A lone series named like the y axis needs no legend.
        let legend = series.count == 1 && series[0].name == yLabel ? [] : series.enumerated().map { i, s in
            LegendEntry(name: s.name, swatch: .line(s.color ?? Palette.color(i), marker: s.marker))
        }
        let (frame, _, placement) = Legend.layout(p, legend, frame: { rows in
            Frame(p, title: title, x: Axis(title: xLabel, scale: xs), y: Axis(title: yLabel, scale: ys), legendRows: rows)
        }, obstacles: { f in
            var o = Obstacles()
            for d in prepared { o.addPolyline(d.x.map(f.px), (d.smooth ?? d.raw).map(f.py), step: 4 * p.scale) }
            return o
        })
        frame.drawGrid(p)
        p.clip(to: frame.plot)
        for (i, (s, d)) in zip(series, prepared).enumerated() {
            let c = s.color ?? Palette.color(i)
            let px = d.x.map(frame.px), rawY = d.raw.map(frame.py)
            if let smooth = d.smooth {
                p.polyline(px, rawY, width: Theme.rawLineWidth * p.scale, color: c.opacity(Theme.rawOpacity))
                p.polyline(px, smooth.map(frame.py), width: Theme.lineWidth * p.scale, color: c)
            } else {
                // A dense unsmoothed series (several points per pixel column) reads better thinner.
                let dense = Double(d.x.count) > frame.plot.width / p.scale
                p.polyline(px, rawY, width: (dense ? Theme.denseLineWidth : Theme.lineWidth) * p.scale, color: c)
            }
            if let m = s.marker {
                for (x, y) in zip(px, rawY) where x.isFinite && y.isFinite {
                    p.marker(m, x: x, y: y, radius: Theme.markerRadius * p.scale, fill: c, edge: .white, edgeWidth: p.scale)
                }
            }
        }
        p.clip(to: nil)
        if allY.isEmpty { frame.drawNoData(p) }
        frame.drawAxes(p)
        let legendBox = Legend.draw(p, legend, placement, frame: frame)
        return ChartLayout(plot: frame.plot, frame: frame, legend: legendBox)
    }
}
