/// One class (or group) of points in a `ScatterChart`.
public struct ScatterSeries: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Defaults to the shape of the series' position (circle, square, triangle, diamond).
    public var marker: Marker?
    /// Defaults to the palette colour of the series' position.
    public var color: Color?

    public init(name: String, x: [Double], y: [Double], marker: Marker? = nil, color: Color? = nil) {
        self.name = name; self.x = x; self.y = y; self.marker = marker; self.color = color
    }
}

/// A filled background for a scatter chart: a classifier evaluated on a regular grid, drawn in
/// pale class colours (the decision regions of Chapter 1's classifier).
///
/// `values[row][column]` is sampled at evenly spaced points from the lower to the upper bound
/// of each range, ends included (like `linspace`); row 0 is at `y.lowerBound` (the bottom).
public struct DecisionGrid: Sendable {
    public enum Values: Sendable {
        /// P(class 1) in [0, 1]: pale class-0 colour at 0, pale class-1 colour at 1, blended between.
        case probability([[Double]])
        /// A class index per grid point; class k takes the colour of the chart's k-th series.
        case classes([[Int]])
    }
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>
    public var values: Values
    /// Draws the p = 0.5 contour (the decision boundary) for probability grids.
    public var showBoundary: Bool

    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, values: Values, showBoundary: Bool = true) {
        self.x = x; self.y = y; self.values = values; self.showBoundary = showBoundary
    }

    public static func probability(x: ClosedRange<Double>, y: ClosedRange<Double>, _ p: [[Double]]) -> DecisionGrid {
        DecisionGrid(x: x, y: y, values: .probability(p))
    }

    public static func classes(x: ClosedRange<Double>, y: ClosedRange<Double>, _ ids: [[Int]]) -> DecisionGrid {
        DecisionGrid(x: x, y: y, values: .classes(ids))
    }
}

/// A scatter plot with one colour and marker shape per class, optionally over a decision grid.
///
/// ```swift
/// var chart = ScatterChart(title: "Spiral: decision regions", xLabel: "x1", yLabel: "x2")
/// chart.add(ScatterSeries(name: "class 0", x: x0, y: y0))
/// chart.add(ScatterSeries(name: "class 1", x: x1, y: y1))
/// chart.background = .probability(x: -1...1, y: -1...1, grid)   // grid[row][col] = P(class 1)
/// ```
public struct ScatterChart: Chart, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [ScatterSeries] = []
    public var background: DecisionGrid?

    public init(title: String = "", xLabel: String = "", yLabel: String = "", background: DecisionGrid? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.background = background
    }

    public mutating func add(_ s: ScatterSeries) { series.append(s) }

    /// Adds one series per class from points and integer labels (class k named "class k"
    /// unless `names` gives a name).
    public mutating func add(x: [Double], y: [Double], labels: [Int], names: [String] = []) {
        let n = min(x.count, y.count, labels.count)
        guard n > 0, let top = labels.prefix(n).max(), top >= 0 else { return }
        for k in 0...top {
            let idx = (0..<n).filter { labels[$0] == k }
            add(ScatterSeries(name: k < names.count ? names[k] : "class \(k)", x: idx.map { x[$0] }, y: idx.map { y[$0] }))
        }
    }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Draws the chart and returns where its parts went (tests check pixels against this).
    @discardableResult
    func draw(on p: Painter) -> ChartLayout {
        var allX: [Double] = [], allY: [Double] = []
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite { allX.append(x); allY.append(y) }
        }
        var xs = AxisScale.fit(allX, log: false, pad: 0.05), ys = AxisScale.fit(allY, log: false, pad: 0.05)
        if let g = background, g.x.upperBound > g.x.lowerBound, g.y.upperBound > g.y.lowerBound {
            // The grid fills the plot; points outside it still widen the axes.
            let fx = AxisScale.fit(allX + [g.x.lowerBound, g.x.upperBound], log: false, pad: 0)
            let fy = AxisScale.fit(allY + [g.y.lowerBound, g.y.upperBound], log: false, pad: 0)
            xs = fx; ys = fy
        }
        let legend = series.enumerated().map { i, s in
            LegendEntry(name: s.name, swatch: .marker(s.marker ?? Marker.shape(i), s.color ?? Palette.color(i)))
        }
        let (frame, _, placement) = Legend.layout(p, legend, frame: { rows in
            Frame(p, title: title, x: Axis(title: xLabel, scale: xs), y: Axis(title: yLabel, scale: ys), legendRows: rows)
        }, obstacles: { f in
            var o = Obstacles()
            for s in series { for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite { o.points.append((f.px(x), f.py(y))) } }
            return o
        })
        if let g = background { drawBackground(g, p, frame) }
        frame.drawGrid(p)
        if let g = background, case let .probability(v) = g.values, g.showBoundary { drawBoundary(g, v, p, frame) }
        p.clip(to: frame.plot)
        let r = Theme.markerRadius * p.scale * 1.15
        for (i, s) in series.enumerated() {
            let c = s.color ?? Palette.color(i), m = s.marker ?? Marker.shape(i)
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite {
                p.marker(m, x: frame.px(x), y: frame.py(y), radius: r, fill: c.opacity(0.9), edge: .white, edgeWidth: 0.8 * p.scale)
            }
        }
        p.clip(to: nil)
        if allX.isEmpty && background == nil { frame.drawNoData(p) }
        frame.drawAxes(p)
        let legendBox = Legend.draw(p, legend, placement, frame: frame)
        return ChartLayout(plot: frame.plot, frame: frame, legend: legendBox)
    }

    /// The pale colour of class k.
    private func pale(_ k: Int) -> Color {
        (k >= 0 && k < series.count ? series[k].color ?? Palette.color(k) : Palette.color(k)).tint(0.72)
    }

    /// Fills every plot pixel inside the grid: probabilities interpolated bilinearly, classes by
    /// the largest bilinear weight (smoother region edges than nearest-neighbour).
    private func drawBackground(_ g: DecisionGrid, _ p: Painter, _ f: Frame) {
        let pal = (0..<max(series.count, 2)).map(pale)
        let grid = Grid(g.values)
        forEachPixel(g, grid, p, f) { gx, gy in
            switch g.values {
            case .probability:
                return pal[0].mixed(with: pal[1], grid.bilinear(gx, gy))
            case .classes:
                let k = grid.majority(gx, gy)
                return k >= 0 && k < pal.count ? pal[k] : pale(k)
            }
        }
    }

    /// Calls `color` with fractional grid coordinates for each plot pixel inside the grid.
    private func forEachPixel(_ g: DecisionGrid, _ grid: Grid, _ p: Painter, _ f: Frame, _ color: (Double, Double) -> Color?) {
        let (rows, cols) = (grid.rows, grid.cols)
        guard rows > 0, cols > 0 else { return }
        for y in Int(f.plot.y0)..<Int(f.plot.y1) {
            let dy = f.y.scale.lo + (f.plot.y1 - (Double(y) + 0.5)) / f.plot.height * (f.y.scale.hi - f.y.scale.lo)
            guard g.y.contains(dy) else { continue }
            let gy = (dy - g.y.lowerBound) / (g.y.upperBound - g.y.lowerBound) * Double(rows - 1)
            for x in Int(f.plot.x0)..<Int(f.plot.x1) {
                let dx = f.x.scale.lo + (Double(x) + 0.5 - f.plot.x0) / f.plot.width * (f.x.scale.hi - f.x.scale.lo)
                guard g.x.contains(dx) else { continue }
                let gx = (dx - g.x.lowerBound) / (g.x.upperBound - g.x.lowerBound) * Double(cols - 1)
                if let c = color(gx, gy) { p.blend(x, y, c, 1) }
            }
        }
    }

    /// The p = 0.5 contour, anti-aliased: coverage from |p - 0.5| / |grad p| (distance to the
    /// contour in pixels), so no marching squares are needed.
    private func drawBoundary(_ g: DecisionGrid, _ v: [[Double]], _ p: Painter, _ f: Frame) {
        let grid = Grid(v)
        let (rows, cols) = (grid.rows, grid.cols)
        guard rows > 1, cols > 1 else { return }
        let w = Int(f.plot.width), h = Int(f.plot.height)
        var field = [Double](repeating: .nan, count: w * h)
        for j in 0..<h {
            let dy = f.y.scale.lo + (f.plot.height - (Double(j) + 0.5)) / f.plot.height * (f.y.scale.hi - f.y.scale.lo)
            guard g.y.contains(dy) else { continue }
            let gy = (dy - g.y.lowerBound) / (g.y.upperBound - g.y.lowerBound) * Double(rows - 1)
            for i in 0..<w {
                let dx = f.x.scale.lo + (Double(i) + 0.5) / f.plot.width * (f.x.scale.hi - f.x.scale.lo)
                guard g.x.contains(dx) else { continue }
                let gx = (dx - g.x.lowerBound) / (g.x.upperBound - g.x.lowerBound) * Double(cols - 1)
                field[j * w + i] = grid.bilinear(gx, gy) - 0.5
            }
        }
        let half = 0.75 * p.scale, color = Theme.text.opacity(0.75)
        for j in 1..<max(1, h - 1) {
            for i in 1..<max(1, w - 1) {
                let c = field[j * w + i]
                guard c.isFinite, abs(c) < 0.25 else { continue }
                let gx = (field[j * w + i + 1] - field[j * w + i - 1]) / 2
                let gy = (field[(j + 1) * w + i] - field[(j - 1) * w + i]) / 2
                let grad = (gx * gx + gy * gy).squareRoot()
                guard grad.isFinite, grad > 1e-12 else { continue }
                let cov = max(0, min(1, half + 0.5 - abs(c) / grad))
                if cov > 0 { p.blend(Int(f.plot.x0) + i, Int(f.plot.y0) + j, color, Float(cov)) }
            }
        }
    }
}

/// A decision grid flattened for sampling: `rows x cols` values, row-major (ragged input is
/// cut to its shortest row).
struct Grid {
    let rows: Int, cols: Int
    let values: [Double]   // probabilities, or class ids as Double

    init(_ v: DecisionGrid.Values) {
        switch v {
        case let .probability(a): self.init(a)
        case let .classes(a): self.init(a.map { $0.map(Double.init) })
        }
    }

    init(_ a: [[Double]]) {
        let c = a.map(\.count).min() ?? 0
        rows = a.count
        cols = c
        values = a.flatMap { $0.prefix(c) }
    }

    /// The four grid points around (gx, gy) and their bilinear weights.
    @inline(__always) private func corners(_ gx: Double, _ gy: Double) -> (i: (Int, Int, Int, Int), w: (Double, Double, Double, Double)) {
        let x0 = max(0, min(cols - 1, Int(gx))), y0 = max(0, min(rows - 1, Int(gy)))
        let x1 = min(cols - 1, x0 + 1), y1 = min(rows - 1, y0 + 1)
        let fx = max(0, min(1, gx - Double(x0))), fy = max(0, min(1, gy - Double(y0)))
        return ((y0 * cols + x0, y0 * cols + x1, y1 * cols + x0, y1 * cols + x1),
                ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy))
    }

    func bilinear(_ gx: Double, _ gy: Double) -> Double {
        guard rows > 0, cols > 0 else { return .nan }
        let (i, w) = corners(gx, gy)
        return values[i.0] * w.0 + values[i.1] * w.1 + values[i.2] * w.2 + values[i.3] * w.3
    }

    /// The class with the largest total bilinear weight among the four surrounding points
    /// (ties go to the smaller class index, so output is deterministic).
    func majority(_ gx: Double, _ gy: Double) -> Int {
        guard rows > 0, cols > 0 else { return -1 }
        let (i, w) = corners(gx, gy)
        let ids = [values[i.0], values[i.1], values[i.2], values[i.3]], ws = [w.0, w.1, w.2, w.3]
        var best = -1.0, bestWeight = -1.0
        for a in 0..<4 {
            var total = 0.0
            for b in 0..<4 where ids[b] == ids[a] { total += ws[b] }
            if total > bestWeight + 1e-12 || (abs(total - bestWeight) <= 1e-12 && ids[a] < best) { best = ids[a]; bestWeight = total }
        }
        return best.isFinite ? Int(best) : -1
    }
}
