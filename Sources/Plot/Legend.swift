/// One row of a legend: a small sample of how the series is drawn, and its name.
struct LegendEntry {
    enum Swatch {
        case line(Color, marker: Marker?)
        case marker(Marker, Color)
        case patch(fill: Color, edge: Color)
        /// A reference line's sample: dashed or solid, thinner than a series' line.
        case reference(Color, dashed: Bool)
    }
    var name: String
    var swatch: Swatch
}

/// Where the data lies, in pixels, so the legend can go where it hides the least of it
/// (matplotlib's `loc="best"`).
struct Obstacles {
    var points: [(Double, Double)] = []
    var rects: [Rect] = []

    /// Samples a polyline every `step` pixels (so a long segment crossing a corner counts).
    mutating func addPolyline(_ xs: [Double], _ ys: [Double], step: Double) {
        let n = min(xs.count, ys.count)
        for i in 0..<n where xs[i].isFinite && ys[i].isFinite {
            points.append((xs[i], ys[i]))
            if i + 1 < n, xs[i + 1].isFinite, ys[i + 1].isFinite {
                let dx = xs[i + 1] - xs[i], dy = ys[i + 1] - ys[i]
                let k = min(200, Int(((dx * dx + dy * dy).squareRoot() / step).rounded(.down)))
                if k > 1 { for j in 1..<k { let t = Double(j) / Double(k); points.append((xs[i] + t * dx, ys[i] + t * dy)) } }
            }
        }
    }

    /// How much data a box would cover: points inside, plus overlapped area of filled shapes.
    func cost(_ box: Rect, unitArea: Double) -> Double {
        var c = 0.0
        for (x, y) in points where box.contains(x, y) { c += 1 }
        for r in rects where r.intersects(box) {
            c += (min(r.x1, box.x1) - max(r.x0, box.x0)) * (min(r.y1, box.y1) - max(r.y0, box.y0)) / unitArea
        }
        return c
    }
}

enum Legend {
    /// Lays out an x-y chart's frame and decides where its legend goes: inside the plot where it
    /// covers no data, or else in a row between the title and the plot (the frame is laid out
    /// again with room for it). `obstacles` says where the data lands in a given frame.
    static func layout(_ p: Painter, _ entries: [LegendEntry], frame make: (_ legendRows: Double) -> Frame,
                       obstacles: (Frame) -> Obstacles) -> (Frame, Obstacles, Placement) {
        var frame = make(0)
        var obs = obstacles(frame)
        let shown = entries.filter { !$0.name.isEmpty }
        guard !shown.isEmpty else { return (frame, obs, .none) }
        let inside = bestInside(p, shown, in: frame.plot, avoiding: obs)
        if inside.cost < 0.5 { return (frame, obs, .inside(inside.box)) }
        let rows = rowLayout(p, shown, width: frame.plot.width)
        frame = make(Double(rows.count) * rowHeight(p) + 4 * p.scale)
        obs = obstacles(frame)
        return (frame, obs, .above(rows))
    }

    enum Placement {
        case none
        case inside(Rect)
        /// Entries per row, in a band above the plot.
        case above([[LegendEntry]])
    }

    static func rowHeight(_ p: Painter) -> Double { Double(p.fonts.body.lineHeight) + 4 * p.scale }

    static func entryWidth(_ p: Painter, _ e: LegendEntry) -> Double {
        22 * p.scale + 6 * p.scale + Double(p.fonts.body.width(e.name))
    }

    /// Greedy line breaking of entries into rows no wider than `width`.
    static func rowLayout(_ p: Painter, _ entries: [LegendEntry], width: Double) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = [[]], used = 0.0
        let spacing = 18 * p.scale
        for e in entries {
            let w = entryWidth(p, e)
            if !rows[rows.count - 1].isEmpty && used + spacing + w > width { rows.append([]); used = 0 }
            used += (rows[rows.count - 1].isEmpty ? 0 : spacing) + w
            rows[rows.count - 1].append(e)
        }
        return rows
    }

    static func boxSize(_ p: Painter, _ shown: [LegendEntry]) -> (w: Double, h: Double) {
        let s = p.scale, font = p.fonts.body
        let textW = shown.map { Double(font.width($0.name)) }.max() ?? 0
        let rowH = Double(font.lineHeight) + 3 * s
        return ((14 * s + 22 * s + 6 * s + textW).rounded(), (14 * s + rowH * Double(shown.count) - 3 * s).rounded())
    }

    /// The corner or edge position inside `plot` that covers the least data, and that cost.
    static func bestInside(_ p: Painter, _ shown: [LegendEntry], in plot: Rect, avoiding obstacles: Obstacles) -> (box: Rect, cost: Double) {
        let s = p.scale, (w, h) = boxSize(p, shown), inset = 8 * s
        let (l, r) = (plot.x0 + inset, plot.x1 - inset - w)
        let (t, b) = (plot.y0 + inset, plot.y1 - inset - h)
        let (cx, cy) = (((plot.x0 + plot.x1 - w) / 2).rounded(), ((plot.y0 + plot.y1 - h) / 2).rounded())
        // Candidates in order of preference; ties keep the earlier one.
        let spots = [(r, t), (l, t), (r, b), (l, b), (r, cy), (cx, t), (cx, b), (l, cy)]
        var best = spots[0], bestCost = Double.infinity
        for (x, y) in spots {
            let c = obstacles.cost(Rect(x0: x - 8 * s, y0: y - 8 * s, x1: x + w + 8 * s, y1: y + h + 8 * s), unitArea: 16 * s * s)
            if c < bestCost - 1e-9 { best = (x, y); bestCost = c }
        }
        let box = Rect(x0: best.0.rounded(), y0: best.1.rounded(), x1: (best.0 + w).rounded(), y1: (best.1 + h).rounded())
        return (box, (plot.width < w || plot.height < h) ? .infinity : bestCost)
    }

    /// Draws the legend where `layout` placed it and returns the area it took. Entries with
    /// empty names are left out.
    @discardableResult
    static func draw(_ p: Painter, _ entries: [LegendEntry], _ placement: Placement, frame: Frame) -> Rect? {
        let shown = entries.filter { !$0.name.isEmpty }
        let s = p.scale, font = p.fonts.body
        switch placement {
        case .none:
            return nil
        case let .inside(box):
            let rowH = Double(font.lineHeight) + 3 * s
            p.fill(box, Color.white.opacity(0.88))
            p.stroke(box, Theme.legendBorder, lineWidth: max(1, s.rounded()))
            for (i, e) in shown.enumerated() {
                let midY = box.y0 + 7 * s + rowH * Double(i) + Double(font.lineHeight) / 2
                drawSwatch(p, e.swatch, x: box.x0 + 7 * s, midY: midY, width: 22 * s)
                p.text(e.name, x: box.x0 + 7 * s + 28 * s, y: midY, font: font, color: Theme.text, h: .left, v: .middle)
            }
            return box
        case let .above(rows):
            let spacing = 18 * s, rowH = rowHeight(p)
            var y = frame.plot.y0 - 4 * s - rowH * Double(rows.count) + rowH / 2
            var band = Rect(x0: .infinity, y0: y - rowH / 2, x1: -.infinity, y1: y - rowH / 2 + rowH * Double(rows.count))
            for row in rows {
                let total = row.map { entryWidth(p, $0) }.reduce(0, +) + spacing * Double(row.count - 1)
                var x = ((frame.plot.x0 + frame.plot.x1 - total) / 2).rounded()
                band.x0 = min(band.x0, x); band.x1 = max(band.x1, x + total)
                for e in row {
                    drawSwatch(p, e.swatch, x: x, midY: y.rounded(), width: 22 * s)
                    p.text(e.name, x: x + 28 * s, y: y.rounded(), font: font, color: Theme.text, h: .left, v: .middle)
                    x += entryWidth(p, e) + spacing
                }
                y += rowH
            }
            return band
        }
    }

    static func drawSwatch(_ p: Painter, _ swatch: LegendEntry.Swatch, x: Double, midY: Double, width: Double) {
        let s = p.scale
        switch swatch {
        case let .line(c, marker):
            p.polyline([x + s, x + width - s], [midY, midY], width: Theme.lineWidth * s, color: c)
            if let marker {
                p.marker(marker, x: x + width / 2, y: midY, radius: Theme.markerRadius * s, fill: c, edge: .white, edgeWidth: s)
            }
        case let .marker(m, c):
            p.marker(m, x: x + width / 2, y: midY, radius: Theme.markerRadius * s * 1.1, fill: c, edge: .white, edgeWidth: s)
        case let .reference(c, dashed):
            let w = Theme.referenceWidth * s, y = midY.rounded() + (Int(w.rounded()) % 2 == 1 ? 0.5 : 0)
            if dashed {
                p.dashedLine(x + s, y, x + width - s, y, width: w, color: c, dash: 5 * s, gap: 3 * s)
            } else {
                p.polyline([x + s, x + width - s], [y, y], width: w, color: c)
            }
        case let .patch(fill, edge):
            let h = 10 * s
            let r = Rect(x0: x + 2 * s, y0: (midY - h / 2).rounded(), x1: x + width - 2 * s, y1: (midY + h / 2).rounded())
            p.fill(r, fill)
            p.stroke(r, edge, lineWidth: max(1, (1.0 * s).rounded()))
        }
    }
}
