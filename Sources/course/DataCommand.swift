import ArgumentParser
import Core
import Foundation
import Plot
import SupportDesk

extension Language: ExpressibleByArgument {}
extension SizePreset: ExpressibleByArgument {}
extension Difficulty: ExpressibleByArgument {}

/// `course data`: the built-in SupportDesk data (generate it, check any JSONL data).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate the SupportDesk data set, or check JSONL data for problems.",
        subcommands: [Generate.self, Check.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write corpus, SFT, preference, unpaired, eval, adversarial and safety files, a data card and a length table.")

        @Option(help: "Language of every text: en or ja.")
        var lang: Language = .en
        @Option(help: "Output directory (created if missing).")
        var out: String
        @Option(help: "Seed: the same seed writes byte-identical files.")
        var seed: UInt64 = 1
        @Option(help: "small (tests, seconds), default (~1.5 MB English corpus) or large.")
        var size: SizePreset = .default
        @Option(help: "Distractor lines in each facts block: easy (0), medium (1) or hard (3).")
        var difficulty: Difficulty = .medium
        @Option(help: "Share of SFT replies in a habit's scenario that show the habit (0: every reply in house style).")
        var habits: Double = Habit.share
        @Option(help: "Change the shop's policies before the data is written, e.g. return-window=45 (keys: return-window, plus-extra, damage-report; comma-separated).")
        var policyChange: String?

        func run() throws {
            guard (0...1).contains(habits) else { throw CourseError("--habits must be between 0 and 1 (got \(habits))") }
            let change = try policyChange.map(PolicyChange.parse)
            let start = Date()
            let world = World.generate(seed: seed, lang: lang, size: size, policyChange: change)
            let data = Dataset.generate(world: world, difficulty: difficulty, habitShare: habits)
            let dir = URL(fileURLWithPath: out)
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw CourseError(file: out, "cannot create the output directory")
            }
            try data.write(to: dir)
            var card = DataCard(dataset: data, seed: seed, size: size)
            card.policyChange = change
            try card.write(to: dir)
            let png = try writeLengthHistogramPNG(card, to: dir)
            let seconds = Date().timeIntervalSince(start)
            let corpusBytes = data.corpus.reduce(0) { $0 + $1.utf8.count }
            if let change {
                let before = World.generate(seed: seed, lang: lang, size: size).policies
                print("Policy change \(change): " + PolicyChange.summary(before: before, after: world.policies, lang: lang))
            }
            print("Wrote \(dir.path): corpus \(data.corpus.count) documents (\(String(format: "%.2f", Double(corpusBytes) / 1_000_000)) MB), "
                + "sft \(data.sft.count), preferences \(data.preferences.count), unpaired \(data.unpaired.count), "
                + "dev \(data.dev.count), test \(data.test.count), adversarial \(data.adversarial.count), safety \(data.safety.count), datacard.md, lengths.csv"
                + (png.map { ", \($0.lastPathComponent)" } ?? "") + String(format: " in %.2f s.", seconds))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find malformed rows, duplicates, train/eval overlap and personal data in JSONL files.",
            discussion: "Every finding is printed as FILE:LINE: severity: [kind] message. Exits non-zero when any error is found.")

        @Argument(help: "JSONL files to check together (training and evaluation files side by side).")
        var files: [String]
        @Option(help: "Print at most this many findings of each kind (0 = all).")
        var max: Int = 20
        @Flag(help: "Print findings as JSON lines.")
        var json = false

        func run() throws {
            guard !files.isEmpty else { throw CourseError("course data check: give at least one file") }
            let findings = DataChecker().check(paths: files)
            var shown: [DataFinding.Kind: Int] = [:]
            for f in findings {
                shown[f.kind, default: 0] += 1
                if max > 0 && shown[f.kind]! > max { continue }
                if json {
                    let obj: [String: Any] = ["file": f.file, "line": f.line, "severity": f.severity.rawValue,
                                              "kind": f.kind.rawValue, "message": f.message]
                    let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(f)
                }
            }
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.count - errors
            if !json {
                for kind in DataFinding.Kind.allCases {
                    if let n = shown[kind], max > 0, n > max { print("… \(n - max) more \(kind.rawValue) findings (use --max 0 to see all)") }
                }
                print("\(files.count) file(s) checked: \(errors) error(s), \(warnings) warning(s).")
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}

/// Writes the length histogram of every file's examples as `lengths.png` next to the data card:
/// overlaid series show whether replies in one file run longer than in another (a length bias
/// a reward model could learn).
func writeLengthHistogramPNG(_ card: DataCard, to dir: URL) throws -> URL? {
    var chart = Histogram(title: "Example lengths (prompt + reply)", xLabel: "characters", bins: 24)
    for file in ["sft", "preferences", "eval"] {
        let values = card.rows.filter { $0.file == file }.map { Double($0.totalChars) }
        if !values.isEmpty { chart.add(HistogramSeries(name: file, values: values)) }
    }
    let url = dir.appendingPathComponent("lengths.png")
    try chart.write(to: url.path)
    return url
}
