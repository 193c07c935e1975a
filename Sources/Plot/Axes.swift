import Foundation

/// How the values along one axis map to the unit interval (0 = left/bottom, 1 = right/top).
struct AxisScale: Equatable {
    var lo: Double, hi: Double, log: Bool

    @inline(__always) func unit(_ v: Double) -> Double {
        if log { return v > 0 ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : .nan }
        return (v - lo) / (hi - lo)
    }

    /// A range that holds every usable value (finite, and positive on a log axis), widened by
    /// `pad` of its length on both sides. Empty or single-valued data still gives a real range.
    static func fit(_ values: [Double], log: Bool, pad: Double) -> AxisScale {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (!log || v > 0) { lo = min(lo, v); hi = max(hi, v) }
        if lo > hi { return log ? AxisScale(lo: 1, hi: 10, log: true) : AxisScale(lo: 0, hi: 1, log: false) }
        if log {
            var a = log10(lo), b = log10(hi)
            if b - a < 1e-9 { a -= 0.5; b += 0.5 }
            let d = (b - a) * pad
            return AxisScale(lo: pow(10, a - d), hi: pow(10, b + d), log: true)
        }
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let d = lo == 0 ? 1 : abs(lo) * 0.1
            return AxisScale(lo: lo - d, hi: hi + d, log: false)
        }
        let d = (hi - lo) * pad
        return AxisScale(lo: lo - d, hi: hi + d, log: false)
    }
}

/// One axis of a chart: its title, its scale, and for bar charts the category names (category
/// `i` sits at value `i`).
struct Axis {
    var title: String
    var scale: AxisScale
    var categories: [String]? = nil
}

struct Tick { var value: Double; var label: String }

/// The laid-out frame of an x-y chart: where the plot area is and which ticks it shows.
/// Margins are computed from the sizes of the labels they must hold.
struct Frame {
    var title: String
    var x: Axis, y: Axis
    var plot = Rect(x0: 0, y0: 0, x1: 1, y1: 1)
    var xTicks: [Tick] = [], yTicks: [Tick] = []
    var xMinor: [Double] = [], yMinor: [Double] = []
    var xLabelsVertical = false
    /// Whether the x tick labels are drawn (an upper panel of `Panels` shows only tick marks:
    /// the bottom panel labels the shared axis).
    var xTickLabels = true

    @inline(__always) func px(_ v: Double) -> Double { plot.x0 + x.scale.unit(v) * plot.width }
    @inline(__always) func py(_ v: Double) -> Double { plot.y1 - y.scale.unit(v) * plot.height }

    /// Lays out the frame on `p`, keeping `legendRows` pixels free above the plot for a legend.
    /// `minLeft` and `minRight` (pixels) widen the margins, so that stacked panels whose y
    /// labels differ in width still line their plots up; without `xTickLabels` the bottom
    /// margin holds only the tick marks.
    init(_ p: Painter, title: String, x: Axis, y: Axis, legendRows: Double = 0,
         minLeft: Double = 0, minRight: Double = 0, xTickLabels: Bool = true) {
        self.title = title; self.x = x; self.y = y; self.xTickLabels = xTickLabels
        let s = p.scale, body = p.fonts.body, lh = Double(body.lineHeight)
        let W = Double(p.width), H = Double(p.height)
        let pad = Theme.padding * s, aw = (Theme.axisWidth * s).rounded()
        let tickBlock = aw + Theme.tickLength * s + Theme.tickGap * s
        let top = pad + (title.isEmpty ? lh / 2 : Double(p.fonts.title.lineHeight) + Theme.titleGap * s) + legendRows
        var right = max(pad, minRight)
        var xLabelDepth = lh
        for _ in 0..<3 {
            let bottom = xTickLabels ? pad + (x.title.isEmpty ? 0 : lh + Theme.axisLabelGap * s) + xLabelDepth + tickBlock
                                     : pad / 2 + tickBlock
            let plotH = max(10, H - top - bottom)
            (yTicks, yMinor) = Frame.ticks(y, length: plotH, p: p, horizontal: false)
            let yLabelW = yTicks.map { Double(body.width($0.label)) }.max() ?? 0
            let left = max(minLeft, pad + (y.title.isEmpty ? 0 : lh + Theme.axisLabelGap * s) + yLabelW + tickBlock)
            plot = Rect(x0: left.rounded(), y0: top.rounded(), x1: max(left + 10, W - right).rounded(), y1: (top + plotH).rounded())
            if let cats = x.categories {
                let slot = plot.width / Double(max(1, cats.count))
                let widest = cats.map { Double(body.width($0)) }.max() ?? 0
                xLabelsVertical = widest + 8 * s > slot
                xLabelDepth = xLabelsVertical ? min(widest, (H * 0.3).rounded()) : lh
                // Labels longer than the space below the axis are shortened with "...".
                let shown = cats.map { xLabelsVertical ? body.truncated($0, toWidth: xLabelDepth) : $0 }
                xTicks = Frame.categoryTicks(shown, slot: slot, vertical: xLabelsVertical, lineHeight: lh, s: s)
            } else {
                (xTicks, xMinor) = Frame.ticks(x, length: plot.width, p: p, horizontal: true, frame: self)
                // The last label is centred on its tick: make room for its right half.
                if xTickLabels, let last = xTicks.last {
                    let overflow = px(last.value) + Double(body.width(last.label)) / 2 - (W - pad / 2)
                    if overflow > 0 { right += overflow }
                }
            }
        }
    }

    /// Numeric ticks that fit `length` pixels: y ticks at least ~2 lines apart, x ticks whose
    /// labels leave a gap between neighbours. A short axis still gets two ticks when the range
    /// allows it, even if that means tighter spacing.
    static func ticks(_ axis: Axis, length: Double, p: Painter, horizontal: Bool, frame: Frame? = nil) -> ([Tick], [Double]) {
        let s = p.scale, body = p.fonts.body
        let spacing = horizontal ? 50 * s : max(2.5 * Double(body.lineHeight), 36 * s)
        let minGap = 1.6 * Double(body.lineHeight) / max(1, length)
        let first = max(2, Int(length / spacing) + 1)
        func fits(_ ticks: [Tick]) -> Bool {
            guard horizontal, let f = frame else { return true }
            let spans = ticks.map { t -> (Double, Double) in
                let c = f.plot.x0 + axis.scale.unit(t.value) * length, w = Double(body.width(t.label))
                return (c - w / 2, c + w / 2)
            }
            return zip(spans, spans.dropFirst()).allSatisfy { $1.0 - $0.1 >= 12 * s }
        }
        var count = first
        while true {
            let (ticks, minor) = make(axis.scale, maxCount: count, minGap: minGap)
            if ticks.count >= 2 && (count <= 2 || fits(ticks)) { return (ticks, minor) }
            if ticks.count < 2 { break }
            count -= 1
        }
        // Too few ticks in range: allow more, up to a handful, then drop any that would collide.
        var best = make(axis.scale, maxCount: first, minGap: minGap)
        for c in first + 1...first + 6 where best.0.count < 2 { best = make(axis.scale, maxCount: c, minGap: minGap / 2) }
        var kept: [Tick] = []
        var lastEnd = -Double.infinity
        for t in best.0 {
            let c = axis.scale.unit(t.value) * length
            let half = horizontal ? Double(body.width(t.label)) / 2 + 6 * s : 0.65 * Double(body.lineHeight)
            if c - half >= lastEnd { kept.append(t); lastEnd = c + half }
        }
        return (kept, best.1)
    }

    static func make(_ scale: AxisScale, maxCount: Int, minGap: Double) -> ([Tick], [Double]) {
        if scale.log {
            let (major, minor, step) = Ticks.log(scale.lo, scale.hi, maxCount: maxCount, minGap: minGap)
            let labels = step.map { Ticks.labels(major, step: $0) } ?? Ticks.logLabels(major)
            return (zip(major, labels).map { Tick(value: $0, label: $1) }, minor)
        }
        let (values, step) = Ticks.linear(scale.lo, scale.hi, maxCount: maxCount)
        return (zip(values, Ticks.labels(values, step: step)).map { Tick(value: $0, label: $1) }, [])
    }

    /// One tick per category, thinned to every k-th when even vertical labels would collide.
    static func categoryTicks(_ cats: [String], slot: Double, vertical: Bool, lineHeight: Double, s: Double) -> [Tick] {
        let every = vertical ? max(1, Int(((lineHeight + 2 * s) / max(slot, 1)).rounded(.up))) : 1
        return cats.enumerated().compactMap { $0.offset % every == 0 ? Tick(value: Double($0.offset), label: $0.element) : nil }
    }

    // MARK: Drawing

    /// Grid lines behind the data: faint minor lines (log axes), then the major ones.
    func drawGrid(_ p: Painter, vertical: Bool = true, horizontal: Bool = true) {
        let gw = max(1, (Theme.gridWidth * p.scale).rounded())
        func hLine(_ y: Double, _ c: Color) {
            let yy = (y - gw / 2).rounded()
            p.fill(Rect(x0: plot.x0, y0: yy, x1: plot.x1, y1: yy + gw), c)
        }
        func vLine(_ x: Double, _ c: Color) {
            let xx = (x - gw / 2).rounded()
            p.fill(Rect(x0: xx, y0: plot.y0, x1: xx + gw, y1: plot.y1), c)
        }
        if horizontal {
            for v in yMinor { hLine(py(v), Theme.minorGrid) }
            for t in yTicks { hLine(py(t.value), Theme.grid) }
        }
        if vertical && x.categories == nil {
            for v in xMinor { vLine(px(v), Theme.minorGrid) }
            for t in xTicks { vLine(px(t.value), Theme.grid) }
        }
    }

    /// Axis lines, tick marks, tick labels, axis titles and the chart title.
    func drawAxes(_ p: Painter) {
        let s = p.scale, body = p.fonts.body
        let aw = max(1, (Theme.axisWidth * s).rounded()), tl = Theme.tickLength * s, gap = Theme.tickGap * s
        let pad = Theme.padding * s
        p.fill(Rect(x0: plot.x0 - aw, y0: plot.y0, x1: plot.x0, y1: plot.y1 + aw), Theme.axis)
        p.fill(Rect(x0: plot.x0 - aw, y0: plot.y1, x1: plot.x1, y1: plot.y1 + aw), Theme.axis)
        for t in yTicks {
            let y = py(t.value), yy = (y - aw / 2).rounded()
            p.fill(Rect(x0: plot.x0 - aw - tl, y0: yy, x1: plot.x0 - aw, y1: yy + aw), Theme.axis)
            p.text(t.label, x: plot.x0 - aw - tl - gap, y: y, font: body, color: Theme.tickText, h: .right, v: .middle)
        }
        for t in xTicks {
            let x = px(t.value), xx = (x - aw / 2).rounded()
            p.fill(Rect(x0: xx, y0: plot.y1 + aw, x1: xx + aw, y1: plot.y1 + aw + tl), Theme.axis)
            guard xTickLabels else { continue }
            let ly = plot.y1 + aw + tl + gap
            if xLabelsVertical {
                p.text(t.label, x: x, y: ly, font: body, color: Theme.tickText, h: .right, v: .middle, vertical: true)
            } else {
                p.text(t.label, x: x, y: ly, font: body, color: Theme.tickText, h: .center, v: .top)
            }
        }
        if !x.title.isEmpty && xTickLabels {
            p.text(x.title, x: (plot.x0 + plot.x1) / 2, y: Double(p.height) - pad, font: body, color: Theme.text, h: .center, v: .bottom)
        }
        if !y.title.isEmpty {
            p.text(y.title, x: pad, y: (plot.y0 + plot.y1) / 2, font: body, color: Theme.text, h: .center, v: .top, vertical: true)
        }
        Frame.drawTitle(p, title, over: plot)
    }

    /// The chart title in bold, centred over the plot area but kept inside the image.
    static func drawTitle(_ p: Painter, _ title: String, over plot: Rect) {
        guard !title.isEmpty else { return }
        let font = p.fonts.title, pad = Theme.padding * p.scale
        let w = Double(font.width(title))
        let cx = min(max((plot.x0 + plot.x1) / 2, pad + w / 2), Double(p.width) - pad - w / 2)
        p.text(title, x: cx, y: pad, font: font, color: Theme.text, h: .center, v: .top)
    }

    /// "no data" in the middle of an empty plot, so an empty chart is obviously empty.
    func drawNoData(_ p: Painter) {
        p.text("no data", x: (plot.x0 + plot.x1) / 2, y: (plot.y0 + plot.y1) / 2, font: p.fonts.body,
               color: Theme.tickText, h: .center, v: .middle)
    }
}
