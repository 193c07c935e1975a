import ArgumentParser
import Core
import Foundation
import Plot

/// `course plot`: any metrics CSV as a line chart, or the gallery of every chart kind.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw columns of a metrics CSV as a line chart (PNG).",
        discussion: """
            Examples:
              course plot runs/sft/metrics.csv --y loss,eval_loss --smooth 0.9 -o loss.png
              course plot runs/rlhf/ppo/metrics.csv --x step --y reward --title "PPO reward"
              course plot --demo gallery/      (one example of every chart kind)

            Empty cells mean "not logged at this step": a column logged every 100 steps is drawn
            as a line through its own points. Series with at most 40 points get markers and are
            not smoothed.
            """)

    @Argument(help: "A metrics CSV with a header row (for example runs/sft/metrics.csv).")
    var file: String?

    @Option(help: "Column for the x axis.")
    var x = "step"

    @Option(help: "Comma-separated columns to draw (default: every column except --x).")
    var y: String?

    @Option(help: "Smoothing weight in [0, 1) (an exponential moving average, as TensorBoard's slider); raw values stay visible, faint.")
    var smooth: Double?

    @Flag(help: "Use a logarithmic y axis.")
    var logy = false

    @Option(help: "Chart title (default: the CSV's folder name).")
    var title: String?

    @Option(name: [.short, .customLong("output")], help: "PNG to write (default: next to the CSV, named after the columns).")
    var output: String?

    @Option(help: "Chart width in points.")
    var width = 800

    @Option(help: "Chart height in points.")
    var height = 500

    @Option(help: "Pixels per point (2 gives crisp text on high-density screens).")
    var scale = 2

    @Option(help: "Write one example of every chart kind into this folder and exit.")
    var demo: String?

    func validate() throws {
        if demo == nil && file == nil { throw ValidationError("give a CSV file to plot, or --demo DIR") }
        if let s = smooth, !(s >= 0 && s < 1) { throw ValidationError("--smooth must be in [0, 1), got \(s)") }
        if !(100...10000).contains(width) || !(100...10000).contains(height) {
            throw ValidationError("--width and --height must be between 100 and 10000")
        }
        if !(1...4).contains(scale) { throw ValidationError("--scale must be 1, 2, 3 or 4") }
    }

    func run() throws {
        do {
            if let dir = demo {
                for path in try Gallery.write(to: dir) { print("wrote \(path)") }
                return
            }
            guard let file else { return }
            let columns = y.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            let chart = try PlotCommand.chart(csv: file, x: x, y: columns, smooth: smooth, logY: logy, title: title)
            let out = output ?? PlotCommand.defaultOutput(csv: file, columns: chart.series.map(\.name))
            try chart.write(to: out, width: width, height: height, scale: scale)
            print("wrote \(out) (\(width * scale)x\(height * scale) pixels)")
        } catch let e as PlotError {
            throw CourseError(e.message)
        }
    }

    /// Series with at most this many points are drawn with markers and without smoothing
    /// (evaluation metrics logged every N steps).
    static let sparsePoints = 40

    /// Builds the line chart for columns of a CSV file. Errors are `CourseError`s naming the
    /// file, and the line and column where that makes sense.
    static func chart(csv path: String, x: String, y: [String]?, smooth: Double?, logY: Bool, title: String?) throws -> LineChart {
        let table = try CSVTable.read(path: path)
        guard !table.rows.isEmpty else { throw CourseError(file: path, line: 2, "no data rows (the file has only a header)") }
        let xs = try table.column(x, file: path)
        let names = y ?? table.columns.filter { $0 != x }
        guard !names.isEmpty else {
            throw CourseError(file: path, line: 1, "nothing to plot: choose columns with --y (columns: \(table.columns.joined(separator: ", ")))")
        }
        var chart = LineChart(title: title ?? defaultTitle(csv: path), xLabel: x,
                              yLabel: names.count == 1 ? names[0] : "", logY: logY)
        for name in names {
            let ys = try table.column(name, file: path)
            // An empty cell means the column was not logged at that step: leave the row out.
            let rows = ys.indices.filter { ys[$0].isFinite && xs[$0].isFinite }
            guard !rows.isEmpty else { throw CourseError(file: path, line: 1, "column \"\(name)\" has no numbers") }
            let sparse = rows.count <= sparsePoints
            chart.add(LineSeries(name: name, x: rows.map { xs[$0] }, y: rows.map { ys[$0] },
                                 smoothing: sparse ? nil : smooth, marker: sparse ? .circle : nil))
        }
        return chart
    }

    /// runs/sft/metrics.csv -> "sft"; a CSV in the current folder -> its file name.
    static func defaultTitle(csv path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().lastPathComponent
        return path.contains("/") && !folder.isEmpty && folder != "." ? folder : url.deletingPathExtension().lastPathComponent
    }

    /// runs/sft/metrics.csv with loss, eval_loss -> runs/sft/metrics-loss-eval_loss.png
    static func defaultOutput(csv path: String, columns: [String]) -> String {
        let base = path.hasSuffix(".csv") ? String(path.dropLast(4)) : path
        let safe = columns.joined(separator: "-").map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }
        return base + "-" + String(safe.prefix(80)) + ".png"
    }
}
