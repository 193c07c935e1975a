/// The rasteriser every chart draws with: an RGB pixel buffer plus anti-aliased primitives
/// (rectangles, thick polylines, markers, text). Coordinates are in pixels, y grows downwards,
/// and pixel (i, j) covers the square [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).
///
/// A class over raw memory rather than a struct over `[UInt8]`: drawing a 10,000-point chart
/// touches millions of pixels, and raw pointers keep those loops free of copy-on-write checks.
final class Painter {
    let width: Int, height: Int
    /// Logical-to-pixel factor: a 1-point line is `scale` pixels wide.
    let scale: Double
    let fonts: Fonts
    private let rgb: UnsafeMutablePointer<UInt8>
    /// Per-pixel coverage for the polyline being drawn (0 = untouched), allocated on first use.
    private var mask: UnsafeMutablePointer<Float>?
    /// Drawing is limited to pixels with x in clipX0..<clipX1 and y in clipY0..<clipY1.
    private(set) var clipX0 = 0, clipY0 = 0, clipX1: Int, clipY1: Int

    init(width: Int, height: Int, scale: Int, background: Color = .white) {
        self.width = max(1, width); self.height = max(1, height)
        self.scale = Double(max(1, scale))
        fonts = Fonts(scale: max(1, scale))
        clipX1 = self.width; clipY1 = self.height
        let n = self.width * self.height
        rgb = .allocate(capacity: n * 3)
        for i in 0..<n {
            rgb[3 * i] = background.r; rgb[3 * i + 1] = background.g; rgb[3 * i + 2] = background.b
        }
    }

    deinit {
        rgb.deallocate()
        mask?.deallocate()
    }

    /// Logical points to pixels.
    @inline(__always) func px(_ points: Double) -> Double { points * scale }

    func canvas() -> Canvas {
        Canvas(width: width, height: height, rgb: Array(UnsafeBufferPointer(start: rgb, count: width * height * 3)))
    }

    /// Restricts drawing to a rectangle (pixel bounds, rounded outwards); nil lifts the clip.
    func clip(to r: Rect?) {
        guard let r else { clipX0 = 0; clipY0 = 0; clipX1 = width; clipY1 = height; return }
        clipX0 = max(0, Int(r.x0.rounded(.down))); clipY0 = max(0, Int(r.y0.rounded(.down)))
        clipX1 = min(width, Int(r.x1.rounded(.up))); clipY1 = min(height, Int(r.y1.rounded(.up)))
    }

    /// Blends `c` over pixel (x, y) with opacity `alpha * c.a`. The canvas stays opaque.
    @inline(__always) func blend(_ x: Int, _ y: Int, _ c: Color, _ alpha: Float) {
        guard x >= clipX0, x < clipX1, y >= clipY0, y < clipY1 else { return }
        let a = alpha * Float(c.a) * (1 / 255)
        if a <= 0 { return }
        let p = rgb + (y * width + x) * 3
        if a >= 1 { p[0] = c.r; p[1] = c.g; p[2] = c.b; return }
        p[0] = UInt8(Float(p[0]) + (Float(c.r) - Float(p[0])) * a + 0.5)
        p[1] = UInt8(Float(p[1]) + (Float(c.g) - Float(p[1])) * a + 0.5)
        p[2] = UInt8(Float(p[2]) + (Float(c.b) - Float(p[2])) * a + 0.5)
    }

    // MARK: Rectangles

    /// Fills a rectangle with exact area coverage at fractional edges (so a bar whose top falls
    /// mid-pixel gets a soft edge instead of a jump).
    func fill(_ r: Rect, _ c: Color) {
        let x0 = max(clipX0, Int(r.x0.rounded(.down))), x1 = min(clipX1, Int(r.x1.rounded(.up)))
        let y0 = max(clipY0, Int(r.y0.rounded(.down))), y1 = min(clipY1, Int(r.y1.rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            let cy = min(Double(y + 1), r.y1) - max(Double(y), r.y0)
            for x in x0..<x1 {
                let cx = min(Double(x + 1), r.x1) - max(Double(x), r.x0)
                blend(x, y, c, Float(cx * cy))
            }
        }
    }

    /// Outlines a rectangle with a border `lineWidth` pixels wide, drawn inside `r`.
    func stroke(_ r: Rect, _ c: Color, lineWidth w: Double) {
        fill(Rect(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0 + w), c)
        fill(Rect(x0: r.x0, y0: r.y1 - w, x1: r.x1, y1: r.y1), c)
        fill(Rect(x0: r.x0, y0: r.y0 + w, x1: r.x0 + w, y1: r.y1 - w), c)
        fill(Rect(x0: r.x1 - w, y0: r.y0 + w, x1: r.x1, y1: r.y1 - w), c)
    }

    // MARK: Lines

    /// Draws a thick anti-aliased polyline with round joins and caps. Points with a NaN or
    /// infinite coordinate break the line (a visible gap); a point alone between gaps is drawn
    /// as a dot. Coverage is accumulated as a per-pixel maximum and blended once, so joins and
    /// overlapping segments of a translucent line do not darken.
    func polyline(_ xs: [Double], _ ys: [Double], width lineWidth: Double, color: Color) {
        let n = min(xs.count, ys.count)
        guard n > 0, lineWidth > 0 else { return }
        if mask == nil {
            mask = .allocate(capacity: width * height)
            mask!.initialize(repeating: 0, count: width * height)
        }
        var box = (x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min)
        let half = max(lineWidth, 1) / 2, strength = Float(min(lineWidth, 1))
        var i = 0
        while i < n {
            guard xs[i].isFinite, ys[i].isFinite else { i += 1; continue }
            var j = i
            while j + 1 < n, xs[j + 1].isFinite, ys[j + 1].isFinite { j += 1 }
            if i == j {
                // An isolated point: a dot a little wider than the line so it stays visible.
                segment(xs[i], ys[i], xs[i], ys[i], half: half * 1.6, strength: strength, box: &box)
            } else {
                for k in i..<j { segment(xs[k], ys[k], xs[k + 1], ys[k + 1], half: half, strength: strength, box: &box) }
            }
            i = j + 1
        }
        guard box.x0 <= box.x1, box.y0 <= box.y1, let m = mask else { return }
        for y in box.y0...box.y1 {
            let row = m + y * width
            for x in box.x0...box.x1 where row[x] > 0 {
                blend(x, y, color, row[x])
                row[x] = 0
            }
        }
    }

    /// Adds one segment's coverage to the mask: coverage = clamp(half + 0.5 - distance, 0, 1),
    /// a one-pixel linear ramp at the edge. Rows are scanned only where the segment can reach.
    private func segment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, half: Double,
                         strength: Float, box: inout (x0: Int, y0: Int, x1: Int, y1: Int)) {
        guard let m = mask else { return }
        let reach = half + 1
        let dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy
        let yLo = max(clipY0, Int((min(ay, by) - reach).rounded(.down)))
        let yHi = min(clipY1 - 1, Int((max(ay, by) + reach).rounded(.up)))
        guard yLo <= yHi else { return }
        for y in yLo...yHi {
            let cy = Double(y) + 0.5
            // The part of the segment within `reach` of this row, in x.
            var xa = min(ax, bx), xb = max(ax, bx)
            if abs(dy) > 1e-12 {
                let t0 = max(0, min(1, (cy - reach - ay) / dy)), t1 = max(0, min(1, (cy + reach - ay) / dy))
                xa = min(ax + t0 * dx, ax + t1 * dx); xb = max(ax + t0 * dx, ax + t1 * dx)
            }
            let xLo = max(clipX0, Int((xa - reach).rounded(.down)))
            let xHi = min(clipX1 - 1, Int((xb + reach).rounded(.up)))
            guard xLo <= xHi else { continue }
            let row = m + y * width
            for x in xLo...xHi {
                let cx = Double(x) + 0.5
                var t = len2 > 0 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0
                t = max(0, min(1, t))
                let ex = cx - (ax + t * dx), ey = cy - (ay + t * dy)
                let cov = Float(max(0, min(1, half + 0.5 - (ex * ex + ey * ey).squareRoot()))) * strength
                if cov > row[x] { row[x] = cov }
            }
            if xLo < box.x0 { box.x0 = xLo }
            if xHi > box.x1 { box.x1 = xHi }
        }
        if yLo < box.y0 { box.y0 = yLo }
        if yHi > box.y1 { box.y1 = yHi }
    }

    // MARK: Markers

    /// Draws a marker centred at (x, y) with the given radius in pixels, optionally with a thin
    /// edge (a white edge separates overlapping scatter points).
    func marker(_ shape: Marker, x: Double, y: Double, radius: Double, fill: Color, edge: Color? = nil, edgeWidth: Double = 0) {
        guard x.isFinite, y.isFinite, radius > 0 else { return }
        let outer = radius + (edge == nil ? 0 : edgeWidth)
        let x0 = Int((x - outer - 2).rounded(.down)), x1 = Int((x + outer + 2).rounded(.up))
        let y0 = Int((y - outer - 2).rounded(.down)), y1 = Int((y + outer + 2).rounded(.up))
        for py in y0...y1 {
            for pxl in x0...x1 {
                let d = shape.signedDistance(Double(pxl) + 0.5 - x, Double(py) + 0.5 - y, radius: radius)
                if let edge {
                    let co = Float(max(0, min(1, 0.5 - (d - edgeWidth))))
                    if co > 0 { blend(pxl, py, edge, co) }
                }
                let ci = Float(max(0, min(1, 0.5 - d)))
                if ci > 0 { blend(pxl, py, fill, ci) }
            }
        }
    }

    // MARK: Text

    enum HAlign { case left, center, right }
    enum VAlign { case top, middle, baseline, bottom }

    /// Pixel size of `text` in `font`: width and the full line height (ascent + descent).
    func measure(_ text: String, _ font: BitmapFont) -> (w: Double, h: Double) {
        (Double(font.width(text)), Double(font.lineHeight))
    }

    /// Draws one line of text anchored at (x, y). `middle` centres digits and capitals on y.
    /// With `vertical`, the text is rotated a quarter turn anticlockwise (read bottom to top) and
    /// the anchors refer to the rotated box: h along the reading direction (left = bottom end),
    /// v across it (top = left side). Returns the box the text occupies.
    @discardableResult
    func text(_ text: String, x: Double, y: Double, font: BitmapFont, color: Color,
              h: HAlign = .left, v: VAlign = .baseline, vertical: Bool = false) -> Rect {
        let w = Double(font.width(text))
        let capHeight = Double(font.glyph("0")?.h ?? font.ascent)
        let along: Double = h == .left ? 0 : (h == .center ? -w / 2 : -w)
        let across: Double // offset of the baseline from the anchor, across the text
        switch v {
        case .top: across = Double(font.ascent)
        case .middle: across = capHeight / 2
        case .baseline: across = 0
        case .bottom: across = -Double(font.descent)
        }
        // Pen start on the baseline, snapped to whole pixels so glyphs stay crisp.
        let ox = Int((vertical ? x + across : x + along).rounded())
        let oy = Int((vertical ? y - along : y + across).rounded())
        var pen = 0
        for s in text.unicodeScalars {
            guard let g = font.glyph(s) else {
                drawTofu(pen: pen, ox: ox, oy: oy, font: font, color: color, vertical: vertical)
                pen += font.tofuAdvance
                continue
            }
            for gy in 0..<g.h {
                for gx in 0..<g.w {
                    let c = g.coverage[gy * g.w + gx]
                    if c == 0 { continue }
                    let tx = pen + g.x + gx, ty = g.y + gy // text space: right along, down across
                    if vertical { blend(ox + ty, oy - tx - 1, color, Float(c) / 255) } else { blend(ox + tx, oy + ty, color, Float(c) / 255) }
                }
            }
            pen += g.advance
        }
        let asc = Double(font.ascent), desc = Double(font.descent)
        if vertical {
            return Rect(x0: Double(ox) - asc, y0: Double(oy) - w, x1: Double(ox) + desc, y1: Double(oy))
        }
        return Rect(x0: Double(ox), y0: Double(oy) - asc, x1: Double(ox) + w, y1: Double(oy) + desc)
    }

    /// A hollow box for characters the font does not have (anything outside printable ASCII).
    private func drawTofu(pen: Int, ox: Int, oy: Int, font: BitmapFont, color: Color, vertical: Bool) {
        let w = font.tofuAdvance - max(1, font.tofuAdvance / 5), h = Int(Double(font.ascent) * 0.7)
        let t = max(1, font.pixelSize / 12)
        for ty in -h..<0 {
            for tx in 0..<w {
                let edge = tx < t || tx >= w - t || ty < -h + t || ty >= -t
                if !edge { continue }
                let cx = pen + 1 + tx
                if vertical { blend(ox + ty, oy - cx - 1, color, 1) } else { blend(ox + cx, oy + ty, color, 1) }
            }
        }
    }
}

/// An axis-aligned rectangle in pixels: x0 <= x < x1, y0 <= y < y1.
struct Rect: Equatable, Sendable {
    var x0: Double, y0: Double, x1: Double, y1: Double
    var width: Double { x1 - x0 }
    var height: Double { y1 - y0 }
    func inset(_ d: Double) -> Rect { Rect(x0: x0 + d, y0: y0 + d, x1: x1 - d, y1: y1 - d) }
    func contains(_ x: Double, _ y: Double) -> Bool { x >= x0 && x < x1 && y >= y0 && y < y1 }
    func intersects(_ o: Rect) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
}

extension Painter {
    /// Every chart's `render`: a painter of width×scale by height×scale pixels, the chart
    /// drawn on it, the pixels returned as a canvas.
    static func render(width: Int, height: Int, scale: Int, _ draw: (Painter) -> Void) -> Canvas {
        let p = Painter(width: width * max(1, scale), height: height * max(1, scale), scale: scale)
        draw(p)
        return p.canvas()
    }
}
