/// A straight line across the plot at one value, drawn dashed (under a line chart's lines, over
/// a bar chart's bars, which would hide it), with an optional label: a chance level (`.horizontal(0.5, label: "chance")`), a target, or
/// the step where something changed (`.vertical(40, label: "LR decay")`).
///
/// Charts that take them (`LineChart`, `BarChart`) widen their automatic ranges to show every
/// reference line, so a chance level below all the data is still on the chart. On a
/// `BarChart` a vertical line's value is in category positions: category `i` sits at `i`, so
/// 1.5 falls between the second and third groups.
public struct ReferenceLine: Sendable {
    public enum Orientation: Sendable { case horizontal, vertical }

    public var orientation: Orientation
    /// Where the line is, in the units of the axis it crosses (y for horizontal lines).
    public var value: Double
    /// Written beside the line (at the right end of a horizontal one, the top of a vertical
    /// one); empty for none.
    public var label: String
    /// Defaults to the axis grey.
    public var color: Color?
    /// Dashed (the default) or solid.
    public var dashed: Bool
    /// Names the line in the chart's legend instead of beside it: for a line that runs through
    /// data, bars and their value labels everywhere, where no spot beside it stays clear.
    public var inLegend: Bool

    public init(_ orientation: Orientation, at value: Double, label: String = "", color: Color? = nil, dashed: Bool = true,
                inLegend: Bool = false) {
        self.orientation = orientation; self.value = value; self.label = label; self.color = color; self.dashed = dashed
        self.inLegend = inLegend
    }

    /// A horizontal line at y = `value`.
    public static func horizontal(_ value: Double, label: String = "", color: Color? = nil, dashed: Bool = true,
                                  inLegend: Bool = false) -> ReferenceLine {
        ReferenceLine(.horizontal, at: value, label: label, color: color, dashed: dashed, inLegend: inLegend)
    }

    /// A vertical line at x = `value`.
    public static func vertical(_ value: Double, label: String = "", color: Color? = nil, dashed: Bool = true,
                                inLegend: Bool = false) -> ReferenceLine {
        ReferenceLine(.vertical, at: value, label: label, color: color, dashed: dashed, inLegend: inLegend)
    }
}

extension ReferenceLine {
    /// Legend entries of the lines named in the legend.
    static func legendEntries(_ lines: [ReferenceLine]) -> [LegendEntry] {
        lines.filter { $0.inLegend && !$0.label.isEmpty }.map {
            LegendEntry(name: $0.label, swatch: .reference($0.color ?? Theme.axis, dashed: $0.dashed))
        }
    }

    /// The values of the lines that cross `axis`, to widen that axis's automatic range.
    static func values(_ lines: [ReferenceLine], crossing orientation: Orientation) -> [Double] {
        lines.filter { $0.orientation == orientation && $0.value.isFinite }.map(\.value)
    }

    /// Where the line runs in `frame` (pixels), or nil when its value is off the axis.
    func segment(in frame: Frame) -> (x0: Double, y0: Double, x1: Double, y1: Double)? {
        let plot = frame.plot
        switch orientation {
        case .horizontal:
            let y = frame.py(value)
            guard y.isFinite, y >= plot.y0 - 0.5, y <= plot.y1 + 0.5 else { return nil }
            return (plot.x0, y, plot.x1, y)
        case .vertical:
            let x = frame.px(value)
            guard x.isFinite, x >= plot.x0 - 0.5, x <= plot.x1 + 0.5 else { return nil }
            return (x, plot.y0, x, plot.y1)
        }
    }

    /// The box of the label: above the right end of a horizontal line (below it when the line
    /// runs along the top), right of the top of a vertical line (left of it near the right edge).
    func labelBox(in frame: Frame, _ p: Painter) -> Rect? {
        guard !label.isEmpty, !inLegend, let seg = segment(in: frame) else { return nil }
        let s = p.scale, font = p.fonts.body, plot = frame.plot
        let w = Double(font.width(label)) + 4 * s, h = Double(font.lineHeight) + 2 * s, gap = 3 * s
        switch orientation {
        case .horizontal:
            let x1 = plot.x1 - gap
            let above = seg.y0 - gap - h >= plot.y0
            let y0 = above ? seg.y0 - gap - h : seg.y0 + gap
            return Rect(x0: (x1 - w).rounded(), y0: y0.rounded(), x1: x1.rounded(), y1: (y0 + h).rounded())
        case .vertical:
            let right = seg.x0 + gap + w <= plot.x1
            let x0 = right ? seg.x0 + gap : seg.x0 - gap - w
            let y0 = plot.y0 + gap
            return Rect(x0: x0.rounded(), y0: y0.rounded(), x1: (x0 + w).rounded(), y1: (y0 + h).rounded())
        }
    }

    /// Draws the line (call with the plot clipped, before the data).
    func drawLine(_ p: Painter, in frame: Frame) {
        guard let seg = segment(in: frame) else { return }
        let c = color ?? Theme.axis, w = Theme.referenceWidth * p.scale
        // Snap to the pixel grid so a 1-pixel line stays sharp instead of two grey rows.
        let odd = Int(w.rounded()) % 2 == 1
        func snap(_ v: Double) -> Double { odd ? v.rounded(.down) + 0.5 : v.rounded() }
        let (x0, y0, x1, y1) = orientation == .horizontal ? (seg.x0, snap(seg.y0), seg.x1, snap(seg.y1))
                                                          : (snap(seg.x0), seg.y0, snap(seg.x1), seg.y1)
        if dashed {
            p.dashedLine(x0, y0, x1, y1, width: w, color: c, dash: Theme.dash * p.scale, gap: Theme.dashGap * p.scale)
        } else {
            p.polyline([x0, x1], [y0, y1], width: w, color: c)
        }
    }

    /// Draws the label (after the data, so it reads on top of it).
    func drawLabel(_ p: Painter, in frame: Frame) {
        guard let box = labelBox(in: frame, p) else { return }
        Annotation.drawText(p, label, in: box, color: (color ?? Theme.text).mixed(with: .black, color == nil ? 0 : 0.3))
    }
}

/// Text set on the plot (reference-line and point labels): on a faint white box, so it stays
/// readable over grid lines and data.
enum Annotation {
    static func drawText(_ p: Painter, _ text: String, in box: Rect, color: Color) {
        p.fill(box, Color.white.opacity(0.8))
        p.text(text, x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2, font: p.fonts.body, color: color, h: .center, v: .middle)
    }
}

extension Painter {
    /// A dashed straight line: dashes of `dash` pixels separated by `gap`, starting with a
    /// dash at (x0, y0).
    func dashedLine(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double, color: Color, dash: Double, gap: Double) {
        let dx = x1 - x0, dy = y1 - y0, length = (dx * dx + dy * dy).squareRoot()
        guard length > 0, dash > 0, gap >= 0 else { return }
        var t = 0.0
        while t < length {
            let a = t / length, b = min(t + dash, length) / length
            // Round caps reach half a width past each end: shorten the dash to keep the pattern.
            let inset = min(width / 2, dash / 3) / length
            let a2 = min(a + inset, b), b2 = max(b - inset, a2)
            polyline([x0 + a2 * dx, x0 + b2 * dx], [y0 + a2 * dy, y0 + b2 * dy], width: width, color: color)
            t += dash + gap
        }
    }
}
