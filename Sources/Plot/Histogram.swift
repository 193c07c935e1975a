import Foundation

/// One distribution in a `Histogram`.
public struct HistogramSeries: Sendable {
    public var name: String
    /// Raw samples; NaN and infinite values are ignored.
    public var values: [Double]
    public var color: Color?

    public init(name: String, values: [Double], color: Color? = nil) {
        self.name = name; self.values = values; self.color = color
    }
}

/// Overlaid histograms sharing one set of bins: the reward of chosen against rejected replies,
/// log-ratio distributions before and after training. Each series is a translucent filled
/// area with a solid outline, so overlaps stay readable.
///
/// ```swift
/// var h = Histogram(title: "Reward on held-out pairs", xLabel: "reward")
/// h.add(HistogramSeries(name: "chosen", values: chosen))
/// h.add(HistogramSeries(name: "rejected", values: rejected))
/// ```
public struct Histogram: Chart, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [HistogramSeries] = []
    /// About how many bins to use; the bin width is rounded to a nice number (1, 2, 2.5 or 5
    /// times a power of ten). By default ~sqrt(n) bins, between 10 and 50.
    public var bins: Int?
    /// Plots probability density (the area of each series is 1) instead of counts.
    public var density: Bool

    public init(title: String = "", xLabel: String = "", yLabel: String? = nil, bins: Int? = nil, density: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel ?? (density ? "density" : "count")
        self.bins = bins; self.density = density
    }

    public mutating func add(_ s: HistogramSeries) { series.append(s) }

    /// Shared bin edges for all series: a nice width, edges on multiples of it.
    func binEdges() -> [Double] {
        let all = series.flatMap(\.values).filter(\.isFinite)
        guard let lo = all.min(), let hi = all.max() else { return [] }
        if hi - lo < 1e-12 * max(1, abs(lo)) { return [lo - 0.5, lo + 0.5] }
        let largest = series.map { $0.values.filter(\.isFinite).count }.max() ?? 1
        let target = Double(max(1, bins ?? min(50, max(10, Int(Double(largest).squareRoot().rounded())))))
        let raw = (hi - lo) / target
        let k = (log10(raw)).rounded(.down)
        let mag = Ticks.pow10(Int(k))
        let width = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw * 0.999 } ?? 10 * mag
        let first = (lo / width).rounded(.down), last = (hi / width).rounded(.down) + 1
        return stride(from: first, through: last, by: 1).map { $0 * width }
    }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Draws the chart and returns where its parts went (tests check pixels against this).
    @discardableResult
    func draw(on p: Painter) -> ChartLayout {
        let edges = binEdges(), nb = max(0, edges.count - 1)
        // counts[series][bin]; the last bin also takes values equal to its right edge.
        let heights: [[Double]] = series.map { s in
            var c = [Double](repeating: 0, count: nb)
            guard nb > 0 else { return c }
            let w = (edges[nb] - edges[0]) / Double(nb)
            var n = 0.0
            for v in s.values where v.isFinite {
                c[max(0, min(nb - 1, Int(((v - edges[0]) / w).rounded(.down))))] += 1
                n += 1
            }
            return density && n > 0 ? c.map { $0 / (n * w) } : c
        }
        let top = heights.flatMap { $0 }.max() ?? 0
        let xs = nb > 0 ? AxisScale.fit([edges[0], edges[nb]], log: false, pad: 0.02) : AxisScale(lo: 0, hi: 1, log: false)
        let ys = AxisScale(lo: 0, hi: top > 0 ? top * 1.08 : 1, log: false)
        let legend = series.enumerated().map { i, s in
            let c = s.color ?? Palette.color(i)
            return LegendEntry(name: s.name, swatch: .patch(fill: c.opacity(0.4), edge: c))
        }
        let (frame, _, placement) = Legend.layout(p, legend, frame: { rows in
            Frame(p, title: title, x: Axis(title: xLabel, scale: xs), y: Axis(title: yLabel, scale: ys), legendRows: rows)
        }, obstacles: { f in
            var o = Obstacles()
            for h in heights { for b in 0..<nb where h[b] > 0 {
                o.rects.append(Rect(x0: f.px(edges[b]), y0: f.py(h[b]), x1: f.px(edges[b + 1]), y1: f.py(0)))
            } }
            return o
        })
        frame.drawGrid(p, vertical: false)
        p.clip(to: frame.plot)
        let base = frame.py(0)
        // All fills first, then all outlines, so every outline stays visible through the fills.
        for (i, s) in series.enumerated() {
            let c = s.color ?? Palette.color(i)
            // Bin edges snap to whole pixels: neighbouring translucent bars then meet without a seam.
            for b in 0..<nb where heights[i][b] > 0 {
                p.fill(Rect(x0: frame.px(edges[b]).rounded(), y0: frame.py(heights[i][b]), x1: frame.px(edges[b + 1]).rounded(),
                            y1: base.rounded()), c.opacity(0.4))
            }
        }
        for (i, s) in series.enumerated() where nb > 0 {
            // The outline steps along the tops of the bars, down to the baseline at both ends.
            var ox = [frame.px(edges[0])], oy = [base]
            for b in 0..<nb {
                let y = frame.py(heights[i][b])
                ox += [frame.px(edges[b]), frame.px(edges[b + 1])]; oy += [y, y]
            }
            ox.append(frame.px(edges[nb])); oy.append(base)
            p.polyline(ox, oy, width: 1.5 * p.scale, color: s.color ?? Palette.color(i))
        }
        p.clip(to: nil)
        if nb == 0 { frame.drawNoData(p) }
        frame.drawAxes(p)
        let legendBox = Legend.draw(p, legend, placement, frame: frame)
        return ChartLayout(plot: frame.plot, frame: frame, legend: legendBox)
    }
}
