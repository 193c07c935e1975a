/// A finished chart: an opaque RGB image, `width` x `height` pixels, rows top to bottom.
///
/// Charts render into a `Canvas` (`chart.render()`); write it with `writePNG(path:)` or get
/// the PNG bytes with `pngData()`. Reading a pixel back is for tests and for chapter code that
/// wants to check what it drew.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major RGB bytes, 3 per pixel, no padding between rows.
    public internal(set) var rgb: [UInt8]

    /// A blank canvas filled with `background` (its alpha is ignored: canvases are opaque).
    public init(width: Int, height: Int, background: Color = .white) {
        self.width = max(1, width)
        self.height = max(1, height)
        var row = [UInt8]()
        row.reserveCapacity(self.width * 3)
        for _ in 0..<self.width { row += [background.r, background.g, background.b] }
        rgb = Array([[UInt8]](repeating: row, count: self.height).joined())
    }

    init(width: Int, height: Int, rgb: [UInt8]) {
        precondition(rgb.count == width * height * 3)
        self.width = width; self.height = height; self.rgb = rgb
    }

    /// The colour at column `x`, row `y` (0,0 is the top-left corner); nil outside the canvas.
    public func pixel(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 3
        return Color(r: rgb[i], g: rgb[i + 1], b: rgb[i + 2])
    }

    /// The PNG encoding of the canvas (8-bit RGB). Byte-identical for identical pixels.
    public func pngData() throws -> [UInt8] {
        try PNGCodec.encodeRGB(rgb, width: width, height: height)
    }

    /// Writes the canvas as a PNG file, creating missing parent folders. The write is atomic
    /// (temporary file, then rename): readers never see half a file.
    /// Throws `PlotError` with a one-line message naming `path` when it cannot be written.
    public func writePNG(path: String) throws {
        try FileOutput.writeAtomically(try pngData(), to: path)
    }
}
