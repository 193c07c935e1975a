/// An sRGB colour with straight (not premultiplied) alpha, 8 bits per channel.
public struct Color: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// A colour from a 24-bit hex literal: `Color(hex: 0x0072B2)`.
    public init(hex: UInt32, alpha: UInt8 = 255) {
        self.init(r: UInt8((hex >> 16) & 0xFF), g: UInt8((hex >> 8) & 0xFF), b: UInt8(hex & 0xFF), a: alpha)
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)

    /// The same colour with another opacity (0 transparent ... 1 opaque).
    public func opacity(_ o: Double) -> Color {
        var c = self
        c.a = UInt8((max(0, min(1, o)) * 255).rounded())
        return c
    }

    /// Linear mix in sRGB: `t = 0` gives `self`, `t = 1` gives `other` (alpha is mixed too).
    public func mixed(with other: Color, _ t: Double) -> Color {
        let t = max(0, min(1, t))
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return Color(r: m(r, other.r), g: m(g, other.g), b: m(b, other.b), a: m(a, other.a))
    }

    /// A pale tint of the colour (mixed with white), used for filled backgrounds.
    public func tint(_ amount: Double) -> Color { mixed(with: .white, amount) }

    /// "#RRGGBB" or "#RRGGBBAA" when not opaque.
    public var description: String {
        func h(_ v: UInt8) -> String { let s = String(v, radix: 16, uppercase: true); return s.count == 1 ? "0" + s : s }
        return "#" + h(r) + h(g) + h(b) + (a == 255 ? "" : h(a))
    }
}

/// The default series colours: the Okabe-Ito palette, distinguishable with the common forms of
/// colour blindness (Okabe & Ito, "Color Universal Design", 2008). Yellow comes last because it
/// is hard to see on white. A chart with more than eight series (chapter 8 compares eleven
/// models) goes on with colours from Paul Tol's muted scheme that the first eight lack.
public enum Palette {
    public static let okabeIto: [Color] = [
        Color(hex: 0x0072B2), // blue
        Color(hex: 0xE69F00), // orange
        Color(hex: 0x009E73), // bluish green
        Color(hex: 0xD55E00), // vermillion
        Color(hex: 0xCC79A7), // reddish purple
        Color(hex: 0x56B4E9), // sky blue
        Color(hex: 0x000000), // black
        Color(hex: 0xF0E442), // yellow
    ]
    public static let more: [Color] = [
        Color(hex: 0x882255), // wine
        Color(hex: 0x999933), // olive
        Color(hex: 0x332288), // indigo
        Color(hex: 0x888888), // grey
    ]
    static let all = okabeIto + more

    /// The colour of series number `i` (wraps around after twelve series).
    public static func color(_ i: Int) -> Color { all[((i % all.count) + all.count) % all.count] }
}

/// A continuous colour scale for heatmaps: maps 0...1 to a colour by linear interpolation
/// between evenly spaced stops.
public struct ColorMap: Sendable {
    public var stops: [Color]
    public init(stops: [Color]) { self.stops = stops.isEmpty ? [.black, .white] : stops }

    /// Perceptually uniform and colour-blind safe (matplotlib's default map; 10 stops of it).
    public static let viridis = ColorMap(stops: [
        0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6ECE58, 0xB5DE2B, 0xFDE725,
    ].map { Color(hex: $0) })

    /// White to dark blue: a single-hue scale that reads well for attention weights in [0, 1].
    public static let blues = ColorMap(stops: [
        0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6, 0x2171B5, 0x08519C, 0x08306B,
    ].map { Color(hex: $0) })

    /// The colour at `t` in 0...1 (clamped). NaN gives a neutral grey.
    public func color(at t: Double) -> Color {
        guard t.isFinite else { return Color(hex: 0xD9D9D9) }
        if stops.count == 1 { return stops[0] }
        let u = max(0, min(1, t)) * Double(stops.count - 1)
        let i = min(Int(u), stops.count - 2)
        return stops[i].mixed(with: stops[i + 1], u - Double(i))
    }
}
