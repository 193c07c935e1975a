/// A chart that can draw itself. Every chart kind (`LineChart`, `ScatterChart`, `Heatmap`,
/// `Histogram`, `BarChart`) is a value you configure and then render or write:
///
/// ```swift
/// var chart = LineChart(title: "Training loss", xLabel: "step", yLabel: "loss")
/// chart.add(LineSeries(name: "train", x: steps, y: losses, smoothing: 0.9))
/// try chart.write(to: "runs/autograd/loss.png")
/// ```
///
/// Sizes are in points: a chart rendered at 800 x 500 with `scale` 2 is a 1600 x 1000 pixel
/// image whose text and lines are twice as many pixels wide, so it stays crisp on high-density
/// screens and in the book. Rendering is deterministic: the same chart gives the same bytes.
public protocol Chart {
    /// Draws the chart on a canvas of `width * scale` x `height * scale` pixels.
    func render(width: Int, height: Int, scale: Int) -> Canvas
}

extension Chart {
    /// Renders the chart and writes it as a PNG file (creating missing folders).
    /// Throws a `PlotError` naming `path` when the file cannot be written.
    public func write(to path: String, width: Int = 800, height: Int = 500, scale: Int = 2) throws {
        try render(width: width, height: height, scale: scale).writePNG(path: path)
    }

    /// The PNG bytes of the rendered chart.
    public func pngData(width: Int = 800, height: Int = 500, scale: Int = 2) throws -> [UInt8] {
        try render(width: width, height: height, scale: scale).pngData()
    }
}

/// Where the parts of a rendered chart are, in pixels (for tests and debugging).
struct ChartLayout {
    var plot: Rect
    var frame: Frame?
    var legend: Rect?
    var colorBar: Rect? = nil
    /// Labels set on the plot: reference-line labels, then point labels.
    var annotations: [Rect] = []
}

/// Sizes (in points) and colours shared by all charts: one look across the whole course.
enum Theme {
    static let background = Color.white
    static let text = Color(hex: 0x262626)
    static let tickText = Color(hex: 0x4D4D4D)
    static let axis = Color(hex: 0x595959)
    static let grid = Color(hex: 0xE6E6E6)
    static let minorGrid = Color(hex: 0xF3F3F3)
    static let legendBorder = Color(hex: 0xCCCCCC)
    static let missing = Color(hex: 0xD9D9D9)

    static let padding = 12.0       // around the whole chart
    static let titleGap = 10.0      // between the title and the plot area
    static let tickLength = 4.0
    static let tickGap = 3.0        // between a tick mark and its label
    static let axisLabelGap = 6.0   // between tick labels and the axis title
    static let axisWidth = 1.0
    static let gridWidth = 1.0
    static let lineWidth = 2.0      // a series' main line
    static let rawLineWidth = 1.0   // the faint raw values behind a smoothed line
    static let denseLineWidth = 1.25 // an unsmoothed series with more points than pixels
    static let rawOpacity = 0.25
    static let markerRadius = 3.5
    static let referenceWidth = 1.25 // a reference line
    static let dash = 6.0           // dash and gap of a dashed reference line
    static let dashGap = 4.0
    static let labelGap = 3.0       // between a point's marker and its label
}

/// Exponential moving average as TensorBoard computes it: `s = w*s + (1-w)*y`, divided by
/// `1 - w^n` so the first values are not pulled towards zero. Non-finite values are skipped
/// (they stay NaN in the output, so a gap stays a gap).
public enum Smoothing {
    public static func ema(_ values: [Double], weight: Double) -> [Double] {
        let w = weight.isFinite ? max(0, min(weight, 0.9999)) : 0
        var out = [Double](repeating: .nan, count: values.count)
        var s = 0.0, decay = 1.0
        for (i, v) in values.enumerated() where v.isFinite {
            s = w * s + (1 - w) * v
            decay *= w
            out[i] = s / (1 - decay)
        }
        return out
    }
}
