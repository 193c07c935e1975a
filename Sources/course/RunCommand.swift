import ArgumentParser
import Core
import Foundation
import SupportDesk

enum Preset: String, ExpressibleByArgument, Codable, CaseIterable, Sendable {
    /// A smoke run of seconds, used by tests.
    case quick
    /// Meaningful results in minutes on 2 cores (release build).
    case `default`
}

/// What every chapter's run needs: where to write, which preset, which seed.
struct RunContext: Sendable {
    let runs: URL          // the runs/ folder; a chapter writes runs/<name>/
    let preset: Preset
    let seed: UInt64
    /// Continue from the chapter's last checkpoint instead of starting over.
    var resume = false
    /// The learner's own training data (JSONL, TRL formats) instead of the built-in data.
    var dataFile: String? = nil
    /// Rebuild the stage even if it was built before with the same settings (`course run X`);
    /// `course run all` clears it so finished stages are reused.
    var force = true
    /// A chapter's variant, for runners that have several (Chapter 8: the loss, `--loss ipo`).
    var variant: String? = nil
    /// Train LoRA adapters instead of every weight (runners that support it).
    var lora = false
    /// Chapter 8: train only on the built-in pairs whose rejected reply shows one of these flaws.
    var flaws: [String]? = nil
    /// Set by `course run all`: studies that retrain many times run only the configuration the
    /// report compares (Chapter 4: LoRA rank 16), so the chain stays within its time budget.
    var inChain = false

    func directory(_ name: String) throws -> URL {
        let d = runs.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// `course run CHAPTER [--preset quick|default]`: trains one chapter and writes runs/CHAPTER/.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train a chapter on the built-in data and write its metrics, plots and checkpoints.",
        discussion: "Chapters: \(RunCommand.runners.map(\.name).joined(separator: ", ")).")

    @Argument(help: "The chapter to run (e.g. autograd).") var chapter: String
    @Option(help: "quick (seconds, for tests) or default (meaningful results).") var preset: Preset = .default
    @Option(help: "The folder for run outputs.") var runs: String = "runs"
    @Option(help: "Random seed (the same seed gives bit-identical metrics).") var seed: UInt64 = 1
    @Flag(help: "Continue from the last checkpoint of an interrupted run.") var resume = false
    @Option(help: "Train on your own JSONL file (TRL formats) instead of the built-in data.") var data: String?
    @Option(name: [.customLong("loss"), .customLong("variant"), .customLong("algo")],
            help: "The variant of a chapter that has several (dpo: sigmoid, ipo, hinge, robust, simpo, orpo, rpo, kto, self, mended, or all to compare them; rlhf: ppo, grpo, dr-grpo).")
    var variant: String?
    @Flag(help: "Train LoRA adapters instead of every weight (dpo).") var lora = false
    @Option(help: "Train only on the built-in pairs whose rejected reply shows one of these flaws, comma-separated (dpo): \(Flaw.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flaws: String?

    struct Runner: Sendable {
        let name: String
        let run: @Sendable (RunContext) throws -> Void
        /// Studies that retrain many times are run on request, not by `course run all`.
        var inAll = true
    }

    static let runners: [Runner] = [
        Runner(name: "autograd", run: AutogradRun.run),
        Runner(name: "transformer", run: TransformerRun.run),
        Runner(name: "sft", run: SFTRun.run),
        Runner(name: "lora", run: LoRARun.run),
        Runner(name: "qlora", run: QLoRARun.run),
        Runner(name: "reward-model", run: RewardModelRun.run),
        Runner(name: "rlhf", run: RLHFRun.run),
        Runner(name: "dpo", run: DPORun.run),
        Runner(name: "evaluation", run: EvaluationRun.run),
        Runner(name: "sft-study", run: SFTStudyRun.run, inAll: false),
    ]

    /// Every chapter in order, reusing stages already built; a failing stage stops the chain
    /// with its name, and everything built before it stays on disk.
    static func runAll(_ ctx: RunContext) throws {
        var c = ctx
        c.force = false
        c.inChain = true
        let (start, cpu) = (Date(), ProcessCPU.seconds)
        let stages = runners.filter(\.inAll)
        for (i, r) in stages.enumerated() {
            print("== stage \(i + 1)/\(stages.count): \(r.name) ==")
            let (stageStart, stageCPU) = (Date(), ProcessCPU.seconds)
            do { try r.run(c) } catch {
                throw CourseError("stage \(r.name) failed: \(error) (earlier stages are kept in \(ctx.runs.path); run `course run all` again to continue)")
            }
            print(String(format: "== %@ done in %.1f minutes (%.1f CPU-minutes) ==", r.name, Date().timeIntervalSince(stageStart) / 60,
                         (ProcessCPU.seconds - stageCPU) / 60))
        }
        print(String(format: "all stages done in %.1f minutes (%.1f CPU-minutes); report: %@", Date().timeIntervalSince(start) / 60,
                     (ProcessCPU.seconds - cpu) / 60,
                     ctx.runs.appendingPathComponent("report.md").path))
    }

    func run() throws {
        lineBufferedOutput()
        let ctx = RunContext(runs: URL(fileURLWithPath: runs), preset: preset, seed: seed, resume: resume, dataFile: data,
                             variant: variant, lora: lora, flaws: flaws.map { $0.split(separator: ",").map(String.init) })
        if flaws != nil && chapter != "dpo" { throw CourseError("--flaws applies to `course run dpo` only") }
        if chapter == "all" {
            try Self.runAll(ctx)
            return
        }
        guard let r = Self.runners.first(where: { $0.name == chapter }) else {
            throw CourseError("unknown chapter \"\(chapter)\" (available: all, \(Self.runners.map(\.name).joined(separator: ", ")))")
        }
        try r.run(ctx)
    }
}
