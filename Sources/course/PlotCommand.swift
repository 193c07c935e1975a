import ArgumentParser
import Core
import Foundation
import Plot
import DPO
import RLHF

/// `course plot`: any metrics CSV as a line chart, a run folder's figures drawn again from what
/// the run recorded, or the gallery of every chart kind.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw columns of a metrics CSV as a line chart (PNG), or a run's figures again.",
        discussion: """
            Examples:
              course plot runs/sft/metrics.csv --y loss,eval_loss --smooth 0.9
              course plot runs/rlhf/ppo/metrics.csv --y reward --title "PPO reward"
              course plot --run runs/rlhf/ppo   (the run's figures, drawn again)
              course plot --demo gallery/       (one example of every chart kind)

            --run draws again, in place, from what the run recorded, the figures
            of an RL run (runs/rlhf/ppo, grpo, ...: metrics.csv), of the
            over-optimisation study (runs/rlhf/overoptimisation: points.json)
            and of the DPO comparison (runs/dpo/compare: comparison.json).

            Empty cells mean "not logged at this step": a column logged every 100
            steps is drawn as a line through its own points. Series with at most
            40 points get markers and are not smoothed.
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

    @Option(name: .customLong("run"), help: "Draw the figures of this run folder again from its recorded metrics, and exit.")
    var runFolder: String?

    func validate() throws {
        if demo == nil && file == nil && runFolder == nil { throw ValidationError("give a CSV file to plot, --run DIR or --demo DIR") }
        if [demo != nil, file != nil, runFolder != nil].filter({ $0 }).count > 1 { throw ValidationError("give one of a CSV file, --run DIR and --demo DIR") }
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
            if let runFolder {
                for path in try PlotCommand.redraw(run: runFolder) { print("wrote \(path)") }
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

    /// Draws a run folder's figures again from what the run recorded; returns the files written.
    static func redraw(run: String) throws -> [String] {
        let dir = URL(fileURLWithPath: run)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw CourseError(file: run, "no such run folder")
        }
        func has(_ f: String) -> Bool { FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path) }
        if has("points.json") { return try OveroptimisationStudy.redrawFigures(dir: dir) }
        if has("comparison.json") { return try DPOCompareRun.redrawFigures(dir: dir) }
        if has("metrics.csv"), has("config.json"), (try? readJSON(RLConfig.self, from: dir.appendingPathComponent("config.json").path)) != nil {
            return try RLHFRun.redrawFigures(dir: dir)
        }
        throw CourseError(file: run, "not a run whose figures can be drawn again (an RL run such as runs/rlhf/ppo, "
                          + "runs/rlhf/overoptimisation or runs/dpo/compare)")
    }

    /// The key that tells an RL run's config.json apart.
    struct RLConfig: Decodable { var algo: String }

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
