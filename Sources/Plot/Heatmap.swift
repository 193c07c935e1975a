/// A matrix drawn as coloured cells with a colour bar: attention weights, confusion matrices.
///
/// ```swift
/// var map = Heatmap(title: "Attention, layer 1 head 0", values: weights)   // [query][key]
/// map.rowLabels = tokens; map.columnLabels = tokens
/// map.xLabel = "key"; map.yLabel = "query"
/// try map.write(to: "runs/transformer/attention.png")
/// ```
/// Cells are square, row 0 is at the top (matrix order), NaN cells are grey.
public struct Heatmap: Chart, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// `values[row][column]`; ragged rows are padded with NaN.
    public var values: [[Double]]
    /// Labels along the left (one per row) and the bottom (one per column); indices by default.
    public var rowLabels: [String]?
    public var columnLabels: [String]?
    public var colorMap: ColorMap
    /// The values mapped to the ends of the colour map; by default the finite min and max.
    public var range: ClosedRange<Double>?
    /// Title of the colour bar.
    public var colorBarLabel: String
    /// Writes each cell's value in it, when the cells are large enough for the text.
    public var showValues: Bool

    public init(title: String = "", xLabel: String = "", yLabel: String = "", values: [[Double]],
                rowLabels: [String]? = nil, columnLabels: [String]? = nil, colorMap: ColorMap = .viridis,
                range: ClosedRange<Double>? = nil, colorBarLabel: String = "", showValues: Bool = false) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.values = values
        self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.colorMap = colorMap
        self.range = range; self.colorBarLabel = colorBarLabel; self.showValues = showValues
    }

    public func render(width: Int = 800, height: Int = 500, scale: Int = 2) -> Canvas {
        Painter.render(width: width, height: height, scale: scale) { draw(on: $0) }
    }

    /// Draws the heatmap; the layout's `plot` is the cell grid.
    @discardableResult
    func draw(on p: Painter) -> ChartLayout {
        let s = p.scale, body = p.fonts.body, lh = Double(body.lineHeight)
        let rows = values.count, cols = values.map(\.count).max() ?? 0
        let W = Double(p.width), H = Double(p.height), pad = Theme.padding * s
        guard rows > 0, cols > 0 else {
            let f = Frame(p, title: title, x: Axis(title: xLabel, scale: .init(lo: 0, hi: 1, log: false)),
                          y: Axis(title: yLabel, scale: .init(lo: 0, hi: 1, log: false)))
            f.drawNoData(p); Frame.drawTitle(p, title, over: f.plot)
            return ChartLayout(plot: f.plot, frame: nil, legend: nil)
        }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if let r = range { lo = r.lowerBound; hi = r.upperBound }
        if hi <= lo { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.1); lo -= (lo == 0 ? 0 : abs(lo) * 0.1) }
        // Long labels (whole sentences as tokens) are shortened with "..." to a quarter of the width.
        let rLabels = (rowLabels ?? (0..<rows).map(String.init)).map { body.truncated($0, toWidth: W * 0.25) }
        let cLabels = (columnLabels ?? (0..<cols).map(String.init)).map { body.truncated($0, toWidth: H * 0.25) }

        // Colour bar on the right: bar, ticks, labels, optional title.
        let barW = (14 * s).rounded(), barGap = (14 * s).rounded(), tl = Theme.tickLength * s, gap = Theme.tickGap * s
        let top = pad + (title.isEmpty ? lh / 2 : Double(p.fonts.title.lineHeight) + Theme.titleGap * s)
        let barTicksGuess = Ticks.linear(lo, hi, maxCount: 6)
        let barLabelW = Ticks.labels(barTicksGuess.values, step: barTicksGuess.step).map { Double(body.width($0)) }.max() ?? 0
        let right = pad + barGap + barW + tl + gap + barLabelW + (colorBarLabel.isEmpty ? 0 : Theme.axisLabelGap * s + lh)
        let rowLabelW = rLabels.map { Double(body.width($0)) }.max() ?? 0
        let left = pad + (yLabel.isEmpty ? 0 : lh + Theme.axisLabelGap * s) + rowLabelW + tl + gap
        // Cell size and column-label orientation depend on each other: settle in a few passes.
        var vertical = false, cell = 1.0, labelDepth = lh
        for _ in 0..<3 {
            let bottom = pad + (xLabel.isEmpty ? 0 : lh + Theme.axisLabelGap * s) + labelDepth + tl + gap
            cell = max(1, min((W - left - right) / Double(cols), (H - top - bottom) / Double(rows)))
            let widest = cLabels.map { Double(body.width($0)) }.max() ?? 0
            vertical = widest + 6 * s > cell
            labelDepth = vertical ? min(widest, H * 0.3) : lh
        }
        // Centre the block (row labels, cells, colour bar) horizontally.
        let spare = W - left - right - cell * Double(cols)
        let gx0 = (left + max(0, spare / 2)).rounded(), gy0 = top.rounded()
        let grid = Rect(x0: gx0, y0: gy0, x1: (gx0 + cell * Double(cols)).rounded(), y1: (gy0 + cell * Double(rows)).rounded())
        // Cell edges on whole pixels (cells may differ by one pixel; no seams, no blur).
        func edgeX(_ c: Int) -> Double { (gx0 + Double(c) * cell).rounded() }
        func edgeY(_ r: Int) -> Double { (gy0 + Double(r) * cell).rounded() }

        // Cells, with value annotations in black or white (whichever contrasts with the cell).
        for r in 0..<rows {
            for c in 0..<cols {
                let v = c < values[r].count ? values[r][c] : .nan
                let color = v.isFinite ? colorMap.color(at: (v - lo) / (hi - lo)) : Theme.missing
                let cellRect = Rect(x0: edgeX(c), y0: edgeY(r), x1: edgeX(c + 1), y1: edgeY(r + 1))
                p.fill(cellRect, color)
                if showValues, v.isFinite {
                    let text = Ticks.compact(v)
                    if Double(body.width(text)) + 4 * s <= cell && lh <= cell {
                        let luminance = 0.2126 * Double(color.r) + 0.7152 * Double(color.g) + 0.0722 * Double(color.b)
                        p.text(text, x: (cellRect.x0 + cellRect.x1) / 2, y: (cellRect.y0 + cellRect.y1) / 2, font: body,
                               color: luminance > 140 ? Theme.text : .white, h: .center, v: .middle)
                    }
                }
            }
        }

        // Row labels (left) and column labels (bottom), thinned when cells are smaller than text.
        let rowEvery = max(1, Int((lh / cell).rounded(.up)))
        for (r, label) in rLabels.prefix(rows).enumerated() where r % rowEvery == 0 {
            let y = grid.y0 + (Double(r) + 0.5) * cell
            p.fill(Rect(x0: grid.x0 - tl, y0: (y - s / 2).rounded(), x1: grid.x0, y1: (y - s / 2).rounded() + max(1, s)), Theme.axis)
            p.text(label, x: grid.x0 - tl - gap, y: y, font: body, color: Theme.tickText, h: .right, v: .middle)
        }
        let colEvery = vertical ? max(1, Int((lh / cell).rounded(.up))) : 1
        for (c, label) in cLabels.prefix(cols).enumerated() where c % colEvery == 0 {
            let x = grid.x0 + (Double(c) + 0.5) * cell
            p.fill(Rect(x0: (x - s / 2).rounded(), y0: grid.y1, x1: (x - s / 2).rounded() + max(1, s), y1: grid.y1 + tl), Theme.axis)
            if vertical {
                p.text(label, x: x, y: grid.y1 + tl + gap, font: body, color: Theme.tickText, h: .right, v: .middle, vertical: true)
            } else {
                p.text(label, x: x, y: grid.y1 + tl + gap, font: body, color: Theme.tickText, h: .center, v: .top)
            }
        }
        if !xLabel.isEmpty {
            p.text(xLabel, x: (grid.x0 + grid.x1) / 2, y: grid.y1 + tl + gap + labelDepth + Theme.axisLabelGap * s,
                   font: body, color: Theme.text, h: .center, v: .top)
        }
        if !yLabel.isEmpty {
            p.text(yLabel, x: gx0 - (left - pad), y: (grid.y0 + grid.y1) / 2, font: body, color: Theme.text, h: .center, v: .top, vertical: true)
        }
        drawColorBar(p, x: grid.x1 + barGap, top: grid.y0, bottom: grid.y1, width: barW, lo: lo, hi: hi)
        Frame.drawTitle(p, title, over: grid)
        return ChartLayout(plot: grid, frame: nil, legend: nil,
                           colorBar: Rect(x0: grid.x1 + barGap, y0: grid.y0, x1: grid.x1 + barGap + barW, y1: grid.y1))
    }

    /// A vertical gradient from `lo` (bottom) to `hi` (top) with nice ticks on its right.
    private func drawColorBar(_ p: Painter, x: Double, top: Double, bottom: Double, width: Double, lo: Double, hi: Double) {
        let s = p.scale, body = p.fonts.body, tl = Theme.tickLength * s, gap = Theme.tickGap * s
        let h = bottom - top
        for y in Int(top)..<Int(bottom) {
            let t = (bottom - (Double(y) + 0.5)) / h
            p.fill(Rect(x0: x, y0: Double(y), x1: x + width, y1: Double(y + 1)), colorMap.color(at: t))
        }
        p.stroke(Rect(x0: x, y0: top, x1: x + width, y1: bottom), Theme.axis.opacity(0.6), lineWidth: max(1, s.rounded()))
        let count = max(2, Int(h / max(2.5 * Double(body.lineHeight), 36 * s)) + 1)
        let (values, step) = Ticks.linear(lo, hi, maxCount: count)
        var labelRight = x + width
        for (v, label) in zip(values, Ticks.labels(values, step: step)) {
            let y = bottom - (v - lo) / (hi - lo) * h, yy = (y - s / 2).rounded()
            p.fill(Rect(x0: x + width, y0: yy, x1: x + width + tl, y1: yy + max(1, s)), Theme.axis)
            let box = p.text(label, x: x + width + tl + gap, y: y, font: body, color: Theme.tickText, h: .left, v: .middle)
            labelRight = max(labelRight, box.x1)
        }
        if !colorBarLabel.isEmpty {
            p.text(colorBarLabel, x: labelRight + Theme.axisLabelGap * s, y: (top + bottom) / 2, font: body,
                   color: Theme.text, h: .center, v: .top, vertical: true)
        }
    }
}
