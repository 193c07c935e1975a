/// Small multiples: charts stacked top to bottom over one shared x axis, in one image.
/// Quantities with different units (loss in nats/token, reward, KL in nats) each get their own
/// panel with its own y axis, label and unit, and are read against the same steps; two y axes
/// on one plot would invite comparing heights that mean nothing.
///
/// ```swift
/// var loss = LineChart(yLabel: "loss (nats/token)")
/// loss.add(LineSeries(name: "train", x: steps, y: losses, smoothing: 0.9))
/// var kl = LineChart(yLabel: "KL to reference (nats)")
/// kl.add(LineSeries(name: "KL", x: steps, y: kls))
/// let figure = Panels(title: "PPO run", xLabel: "step", panels: [loss, kl])
/// try figure.write(to: "runs/rlhf/panels.png", height: 560)
/// ```
///
/// Bar charts stack the same way over shared categories (a score and a win rate per model,
/// each on its own axis): give every bar panel the same categories.
///
/// Each panel keeps its series, legend, y axis, reference lines and point labels; its title,
/// if any, becomes a small heading above it. The x axis is the figure's: for line panels its
/// range spans every line panel's data (or `xRange`), only the bottom panel labels it, and the
/// panels' own `xLabel` and `xRange` are not used. The plots line up on the left whatever the
/// width of their tick labels. Give each panel about 180 points of height.
public struct Panels: Chart, Sendable {
    public var title: String
    /// The shared x axis's title, with its unit ("step", "tokens seen (millions)").
    public var xLabel: String
    public var panels: [Panel]
    /// Fixed shared x range of the line panels; by default it spans their data.
    public var xRange: ClosedRange<Double>?

    /// One panel: a line chart (x values shared) or a bar chart (categories shared).
    public enum Panel: Sendable {
        case line(LineChart)
        case bar(BarChart)

        /// The panel's y axis title.
        public var yLabel: String {
            switch self { case .line(let c): c.yLabel; case .bar(let c): c.yLabel }
        }
    }

    public init(title: String = "", xLabel: String = "", panels: [LineChart] = [], xRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.panels = panels.map(Panel.line); self.xRange = xRange
    }

    /// Bar panels over the same categories.
    public init(title: String = "", xLabel: String = "", bars: [BarChart]) {
        self.title = title; self.xLabel = xLabel; self.panels = bars.map(Panel.bar)
    }

    public mutating func add(_ panel: LineChart) { panels.append(.line(panel)) }
    public mutating func add(_ panel: BarChart) { panels.append(.bar(panel)) }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        draw(width: width, height: height, scale: scale).canvas
    }

    /// One panel's place in the figure: its top row in the image and its layout within its strip.
    struct PanelLayout {
        var top: Int
        var layout: ChartLayout
    }

    /// Renders the figure as horizontal strips (the title, then one per panel) stacked into
    /// one canvas. The strips share the canvas width, so stacking is a concatenation of rows.
    func draw(width: Int, height: Int, scale: Int) -> (canvas: Canvas, panels: [PanelLayout]) {
        let sc = max(1, scale), W = max(1, width * sc), H = max(1, height * sc)
        let fonts = Fonts(scale: sc), s = Double(sc), lh = Double(fonts.body.lineHeight), pad = Theme.padding * s
        let titleH = title.isEmpty ? 0 : Int((pad + Double(fonts.title.lineHeight)).rounded())
        guard !panels.isEmpty else {
            var empty = LineChart(title: title, xLabel: xLabel)
            empty.xRange = xRange
            return (empty.render(width: width, height: height, scale: sc), [])
        }
        // The bottom panel also holds the x tick labels and the axis title.
        let bottomExtra = Int((pad / 2 + lh + Theme.tickGap * s + (xLabel.isEmpty ? 0 : lh + Theme.axisLabelGap * s)).rounded())
        let n = panels.count, each = max(1, (H - titleH - bottomExtra) / n)
        let heights = (0..<n).map { $0 == n - 1 ? max(1, H - titleH - each * (n - 1)) : each }

        let lines = panels.compactMap { if case .line(let c) = $0 { c } else { nil } }
        var xs = AxisScale.fit(lines.flatMap { $0.xExtent() }, log: false, pad: 0)
        if let r = xRange, r.upperBound > r.lowerBound { xs = AxisScale(lo: r.lowerBound, hi: r.upperBound, log: false) }
        func style(_ i: Int) -> PanelStyle {
            PanelStyle(xScale: xs, xTickLabels: i == n - 1, xTitle: i == n - 1 ? xLabel : "", heading: true)
        }
        // Lay every panel out once, then again with the widest left and right margins, so the
        // plots share their left and right edges.
        let painters = heights.map { Painter(width: W, height: $0, scale: sc) }
        let first = panels.indices.map { panels[$0].plotArea(painters[$0], style: style($0)) }
        let left = first.map(\.x0).max() ?? 0, right = first.map { Double(W) - $0.x1 }.max() ?? 0
        var rgb: [UInt8] = []
        rgb.reserveCapacity(W * H * 3)
        if titleH > 0 {
            let strip = Painter(width: W, height: titleH, scale: sc)
            Frame.drawTitle(strip, title, over: Rect(x0: left, y0: 0, x1: Double(W) - right, y1: Double(titleH)))
            rgb += strip.canvas().rgb
        }
        var out: [PanelLayout] = []
        var top = titleH
        for (i, panel) in panels.enumerated() {
            var st = style(i)
            (st.minLeft, st.minRight) = (left, right)
            let layout = panel.draw(painters[i], style: st)
            out.append(PanelLayout(top: top, layout: layout))
            rgb += painters[i].canvas().rgb
            top += heights[i]
        }
        return (Canvas(width: W, height: titleH + heights.reduce(0, +), rgb: rgb), out)
    }
}

extension Panels.Panel {
    /// Where the plot area lands when the panel is laid out with `style`.
    func plotArea(_ p: Painter, style: PanelStyle) -> Rect {
        switch self {
        case .line(let c): c.layout(p, style: style).frame.plot
        case .bar(let c): c.layout(p, style: style).frame.plot
        }
    }

    func draw(_ p: Painter, style: PanelStyle) -> ChartLayout {
        switch self {
        case .line(let c): c.draw(on: p, style: style)
        case .bar(let c): c.draw(on: p, style: style)
        }
    }
}

/// How a chart is laid out as one panel of `Panels`: a shared x scale (line charts), margins
/// wide enough to line up with the other panels, x tick labels only on the bottom panel, and
/// the title as a small heading rather than a figure title.
struct PanelStyle {
    var xScale: AxisScale? = nil
    var minLeft = 0.0, minRight = 0.0
    var xTickLabels = true
    var xTitle: String? = nil
    var heading = false
}

extension Frame {
    /// A panel's title as a small heading above its plot (above its legend when the legend
    /// sits in a band over the plot).
    static func drawHeading(_ p: Painter, _ title: String, frame: Frame, legend: Rect?, heading: Double) {
        let legendBand = legend.map { $0.y1 <= frame.plot.y0 ? frame.plot.y0 - $0.y0 : 0 } ?? 0
        p.text(title, x: frame.plot.x0, y: frame.plot.y0 - legendBand - heading + 2 * p.scale, font: p.fonts.body,
               color: Theme.text, h: .left, v: .top)
    }
}
