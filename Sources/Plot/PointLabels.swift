/// Places short labels beside the points of line series ("step 40" next to a checkpoint's
/// marker): each label goes on the side of its point that covers the least of the lines, the
/// markers and the labels placed before it, and stays inside the plot when it can.
enum PointLabels {
    struct Placed: Equatable {
        var text: String
        var box: Rect
        var color: Color
    }

    /// One series' labelled points, in pixels.
    struct Points {
        var labels: [String]
        var x: [Double], y: [Double]
        var color: Color
        /// Marker radius in pixels (0 without markers): labels keep clear of it.
        var radius: Double
    }

    /// Greedy placement in series order, then point order. `lines` says where the drawn data
    /// runs; `taken` holds boxes already on the plot (reference-line labels). A candidate that
    /// sticks out of the plot is slid back inside (a point on the plot's edge still gets a
    /// label on the plot, never over the tick labels); the cost then counts the line samples it
    /// covers, and much more heavily the markers and the labels already placed.
    static func place(_ p: Painter, _ series: [Points], in plot: Rect, lines: Obstacles, taken: [Rect]) -> [Placed] {
        let s = p.scale, font = p.fonts.body
        var markers: [(x: Double, y: Double, box: Rect)] = []
        for sr in series where sr.radius > 0 {
            for (x, y) in zip(sr.x, sr.y) where x.isFinite && y.isFinite {
                // With a margin: a label touching another point's marker reads as that point's.
                let r = sr.radius + Theme.labelGap * s
                markers.append((x, y, Rect(x0: x - r, y0: y - r, x1: x + r, y1: y + r)))
            }
        }
        var placed: [Placed] = [], boxes = taken
        for sr in series {
            for (i, text) in sr.labels.enumerated() where !text.isEmpty && i < min(sr.x.count, sr.y.count) {
                let (x, y) = (sr.x[i], sr.y[i])
                guard x.isFinite, y.isFinite, plot.inset(-1).contains(x, y) else { continue }
                let w = Double(font.width(text)) + 4 * s, h = Double(font.lineHeight) + 2 * s
                let own = Rect(x0: x - max(sr.radius, 2 * s), y0: y - max(sr.radius, 2 * s), x1: x + max(sr.radius, 2 * s), y1: y + max(sr.radius, 2 * s))
                var best: Rect?, bestCost = Double.infinity
                for d in [max(sr.radius, 1.5 * s) + Theme.labelGap * s, max(sr.radius, 1.5 * s) + 4 * Theme.labelGap * s] {
                    // Candidates in order of preference (ties keep the earlier): above, below,
                    // right, left, then the diagonals; the far ring only if the near one is full.
                    let spots: [(Double, Double)] = [
                        (x - w / 2, y - d - h), (x - w / 2, y + d), (x + d, y - h / 2), (x - d - w, y - h / 2),
                        (x + d * 0.7, y - d * 0.7 - h), (x - d * 0.7 - w, y - d * 0.7 - h),
                        (x + d * 0.7, y + d * 0.7), (x - d * 0.7 - w, y + d * 0.7),
                    ]
                    for (x0, y0) in spots {
                        let cx = min(max(x0, plot.x0 + s), plot.x1 - s - w), cy = min(max(y0, plot.y0 + s), plot.y1 - s - h)
                        let box = Rect(x0: cx.rounded(), y0: cy.rounded(), x1: (cx + w).rounded(), y1: (cy + h).rounded())
                        var cost = lines.cost(box, unitArea: 16 * s * s)
                        if box.intersects(own) { cost += 1e5 }
                        for m in markers where m.box.intersects(box) && (m.x != x || m.y != y) { cost += 1000 }
                        for b in boxes where b.intersects(box) { cost += 1e6 }
                        if cost < bestCost - 1e-9 { best = box; bestCost = cost }
                    }
                    if bestCost < 1000 { break }
                }
                guard let box = best else { continue }
                placed.append(Placed(text: text, box: box, color: sr.color.mixed(with: .black, 0.35)))
                boxes.append(box)
            }
        }
        return placed
    }

    static func draw(_ p: Painter, _ labels: [Placed]) {
        for l in labels { Annotation.drawText(p, l.text, in: l.box, color: l.color) }
    }
}
