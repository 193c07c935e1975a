import Core
import Foundation

/// What building one stage cost, measured by the scheduler around the chapter's run and kept in
/// the stage's folder as `cost.json`: wall time, CPU time (all threads), the peak resident
/// memory of the process during the stage, and the token positions its forward passes processed
/// (training rows, evaluations and generated tokens alike; `TokenMeter`).
struct StageCost: Codable, Equatable {
    var stage: String
    var preset: String
    var wallSeconds: Double
    var cpuSeconds: Double
    /// Peak resident memory during the stage, in MB (Linux: the high-water mark is reset when
    /// the stage starts; elsewhere it is the process's peak so far).
    var peakMB: Double
    var tokens: Int
    var date: String

    static let fileName = "cost.json"

    /// Stages run inside another stage's run are measured too; only the outermost one resets the
    /// memory high-water mark, so an inner stage's peak may include its caller's.
    nonisolated(unsafe) private static var depth = 0

    static func measure(_ stage: String, preset: Preset, _ body: () throws -> Void) throws -> StageCost {
        if depth == 0 { ProcessMemory.trimHeap(); ProcessMemory.resetPeak() }
        depth += 1
        defer { depth -= 1 }
        let (start, cpu, tokens) = (Date(), ProcessCPU.seconds, TokenMeter.count)
        try body()
        return StageCost(stage: stage, preset: preset.rawValue, wallSeconds: Date().timeIntervalSince(start),
                         cpuSeconds: ProcessCPU.seconds - cpu, peakMB: Double(ProcessMemory.peakBytes) / 1_048_576,
                         tokens: TokenMeter.count - tokens, date: ISO8601DateFormatter().string(from: start))
    }

    func write(to dir: URL) throws { try writeJSON(self, to: dir.appendingPathComponent(Self.fileName)) }

    static func read(_ dir: URL) -> StageCost? { try? readJSON(StageCost.self, from: dir.appendingPathComponent(fileName).path) }
}

/// The cost table (`course report --cost`, and the end of `course run all`): one row per stage
/// of the chain that has a `cost.json`, then the totals, and the part a policy change makes you
/// pay again (every stage after pretraining).
enum CostTable {
    static func markdown(_ costs: [StageCost], retrainFrom: Set<String> = Schedule.pretrainingFolders) -> String {
        func minutes(_ s: Double) -> String { s < 60 ? String(format: "%.0f s", s) : String(format: "%.1f min", s / 60) }
        func tokens(_ n: Int) -> String { n == 0 ? "–" : n >= 1_000_000 ? String(format: "%.1f M", Double(n) / 1e6) : String(format: "%.0f k", Double(n) / 1e3) }
        var md = "| stage | wall time | CPU time | peak memory (MB) | tokens processed |\n|---|---|---|---|---|\n"
        for c in costs {
            md += "| \(c.stage) | \(minutes(c.wallSeconds)) | \(minutes(c.cpuSeconds)) | \(String(format: "%.0f", c.peakMB)) | \(tokens(c.tokens)) |\n"
        }
        func total(_ label: String, _ rows: [StageCost]) {
            guard !rows.isEmpty else { return }
            md += "| **\(label)** | \(minutes(rows.map(\.wallSeconds).reduce(0, +))) | \(minutes(rows.map(\.cpuSeconds).reduce(0, +))) "
                + "| \(String(format: "%.0f", rows.map(\.peakMB).max() ?? 0)) | \(tokens(rows.map(\.tokens).reduce(0, +))) |\n"
        }
        total("the whole chain", costs)
        let retrain = costs.filter { !retrainFrom.contains($0.stage) }
        if retrain.count < costs.count { total("after a policy change (every stage after pretraining)", retrain) }
        let presets = Set(costs.map(\.preset)).sorted().joined(separator: ", ")
        md += "\nPreset \(presets), measured on a machine with \(ProcessInfo.processInfo.activeProcessorCount) cores. "
            + "Wall time depends on what else the machine runs; CPU time (all threads) much less. Peak memory is the process's "
            + "resident memory during the stage; the total row gives the largest. Tokens are the positions the stage's forward "
            + "passes processed: training rows, evaluations and every generated token.\n"
        return md
    }

    /// Reads the cost of each folder under `runs` that has one, in the order given, and writes
    /// `runs/cost.md`. Returns the table, or nil when no stage has a cost yet.
    @discardableResult
    static func write(runs: URL, folders: [String]) throws -> String? {
        let costs = folders.compactMap { StageCost.read(runs.appendingPathComponent($0)) }
        guard !costs.isEmpty else { return nil }
        let md = markdown(costs)
        try AtomicFile.write(md, to: runs.appendingPathComponent("cost.md"))
        return md
    }
}
