import ArgumentParser
import Core
import Foundation
import Plot

/// `course report --history`: the headline numbers of every evaluation so far, as a table and
/// a plot, so a regression after retraining is visible ("keep measuring").
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show the evaluation history (runs/history.jsonl) as a table and a plot.")

    @Flag(help: "Plot every evaluation recorded in runs/history.jsonl.") var history = false
    @Flag(help: "Write runs/cost.md: wall time, CPU time, peak memory and tokens of each stage of the chain built so far.") var cost = false
    @Option(help: "The runs folder.") var runs: String = "runs"
    @Option(help: "The metric to plot per model: overall, facts or hallucination.") var metric: String = "overall"
    @Option(name: .shortAndLong, help: "Output PNG (default: runs/history.png).") var output: String?
    @Option(help: "Write the report across seeds again from the runs of `course run all --seeds` (e.g. 1,2,3) into runs/seeds/, without training.")
    var seeds: String?
    @Option(help: "The preset those runs used.") var preset: Preset = .default

    func run() throws {
        if let seeds {
            let list = try SeedRuns.parse(seeds)
            let report = try SeedsReport(runs: URL(fileURLWithPath: runs), seeds: list,
                                         schedule: Schedule(runs: URL(fileURLWithPath: runs), preset: preset, seed: list[0]))
            try report.write()
            print(report.summary)
            print("wrote \((runs as NSString).appendingPathComponent("seeds"))/")
            return
        }
        if cost {
            guard let md = try CostTable.write(runs: URL(fileURLWithPath: runs), folders: RunCommand.chain.map(\.folder)) else {
                throw CourseError(file: runs, "no stage has recorded its cost yet (build one: course run all --preset quick)")
            }
            print(md, terminator: "")
            print("wrote \((runs as NSString).appendingPathComponent("cost.md"))")
            if !history { return }
        }
        guard history else {
            print("The latest report is \(runs)/report.md (and report.html); `course report --history` plots every evaluation so far.")
            return
        }
        let path = (runs as NSString).appendingPathComponent("history.jsonl")
        let rows = try JSONL.objects(path: path).map(\.object)
        if rows.isEmpty { throw CourseError(file: path, "no evaluations recorded yet (run `course run evaluation`)") }
        let suffix = "." + metric
        let models = Set(rows.flatMap { $0.keys.filter { $0.hasSuffix(suffix) } }).sorted()
        if models.isEmpty { throw CourseError(file: path, "no \"\(metric)\" values recorded (try overall, facts or hallucination)") }
        var chart = LineChart(title: "Evaluation history: \(metric)", xLabel: "evaluation run", yLabel: metric)
        for key in models {
            let ys = rows.map { ($0[key] as? Double) ?? .nan }
            chart.add(LineSeries(name: String(key.dropLast(suffix.count)), x: ys.indices.map { Double($0 + 1) }, y: ys, marker: .circle))
        }
        let out = output ?? (runs as NSString).appendingPathComponent("history.png")
        try chart.write(to: out)
        let worlds = rows.contains { $0["world"] != nil }
        print("run  date                  preset   " + (worlds ? "world              " : "") + models.map { String($0.dropLast(suffix.count)).padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
        for (i, r) in rows.enumerated() {
            let date = ((r["date"] as? String) ?? "").padding(toLength: 21, withPad: " ", startingAt: 0)
            let preset = ((r["preset"] as? String) ?? "").padding(toLength: 8, withPad: " ", startingAt: 0)
            let cells = models.map { ((r[$0] as? Double).map { String(format: "%.3f", $0) } ?? "–").padding(toLength: 10, withPad: " ", startingAt: 0) }
            let world = worlds ? ((r["world"] as? String) ?? "current").padding(toLength: 19, withPad: " ", startingAt: 0) : ""
            print(String(format: "%3d  ", i + 1) + date + " " + preset + " " + world + cells.joined())
        }
        print("wrote \(out)")
    }
}
