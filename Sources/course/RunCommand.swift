import ArgumentParser
import Checks
import Core
import Foundation
import DPO
import Ecosystem
import RLHF
import SupportDesk

extension Preset: ExpressibleByArgument {}

/// `course run CHAPTER [--preset quick|default]`: trains one chapter and writes runs/CHAPTER/.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train a chapter on the built-in data and write its metrics, plots and checkpoints.",
        discussion: RunCommand.stagesHelp)

    @Argument(help: "The stage to run (one of the stages above).") var chapter: String
    @Option(help: "quick (seconds, for tests) or default (meaningful results).") var preset: Preset = .default
    @Option(help: "The folder for run outputs.") var runs: String = "runs"
    @Option(help: "Random seed of training (the same seed gives bit-identical metrics); the built-in data stays the same.") var seed: UInt64 = 1
    @Option(help: "With all or dpo-controls: run once per training seed, comma-separated (e.g. 1,2,3), and report across seeds. The seeds share the first seed's pretrained model and the same test prompts.")
    var seeds: String?
    @Option(help: "The language of the built-in data world: en or ja.") var lang: String = "en"
    @Option(help: "Train and measure on the built-in world with its policies changed, e.g. return-window=45 (keys: return-window, plus-extra, damage-report). The pretrained model is kept; every later stage is built again.")
    var policyChange: String?
    @Flag(help: "Continue from the last checkpoint of an interrupted run.") var resume = false
    @Option(help: "Train on your own JSONL file (TRL formats) instead of the built-in data (sft, reward-model, dpo).") var data: String?
    @Option(name: [.customLong("loss"), .customLong("variant"), .customLong("algo")],
            help: "The variant of a chapter that has several (dpo: \(DPOVariant.allCases.map(\.rawValue).joined(separator: ", ")), or all to compare them; rlhf: \(RLHFRun.Algo.allCases.map(\.rawValue).joined(separator: ", ")), or overoptimisation).")
    var variant: String?
    @Flag(help: "Train LoRA adapters instead of every weight (sft, dpo).") var lora = false
    @Flag(help: "Train LoRA adapters on a 4-bit (NF4) copy of the base (sft).") var qlora = false
    @Option(help: "Start from a Hugging Face GPT-2 model folder (config.json, model.safetensors, vocab.json, merges.txt) instead of the pretrained model (sft, lora, qlora, reward-model, rlhf, dpo, evaluation, all).")
    var base: String?
    @Option(help: "Train only on the built-in pairs whose rejected reply shows one of these flaws, comma-separated (dpo): \(Flaw.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flaws: String?
    @Option(help: "The preference pairs DPO trains on (dpo, dpo-controls): \(PairSet.allCases.map(\.rawValue).joined(separator: ", ")) (dpo: builtin; dpo-controls: all).")
    var pairs: String?
    @Flag(help: "Score mirror and on-policy pairs only on the tokens where their two replies differ (dpo, dpo-controls).")
    var editedTokens = false
    @Option(help: "One control of dpo-controls: \(DPOControlsRun.Control.allCases.map(\.rawValue).joined(separator: ", ")) (default: all but variants).")
    var control: String?
    @Flag(help: "Train on your own exercise code wherever the chapter uses a function an exercise asks for (autograd, transformer, sft, lora, qlora, reward-model, rlhf, dpo, evaluation; with all, every stage is built again on its chapter's exercises). Refuses until those exercises pass their checks.")
    var mine = false
    @Option(help: .hidden) var mineFlavor: String = "learner"   // the tests plug in the reference solutions

    /// Every stage `course run` takes, with its variants, as the help lists them (the book runs
    /// each of these; DocumentedCommandsTests checks that the list and the book agree). Lines
    /// stay under 80 columns: the parser wraps longer ones without indenting them.
    static var stagesHelp: String {
        /// "--algo a, b, c" broken before 78 columns, continuation lines indented like the first.
        func variants(_ option: String, _ names: [String]) -> String {
            let indent = String(repeating: " ", count: 18)
            var lines = [indent + option + " "]
            for (i, name) in names.enumerated() {
                let word = name + (i < names.count - 1 ? "," : "")
                if lines[lines.count - 1].count + word.count > 78 { lines.append(indent + String(repeating: " ", count: option.count + 1)) }
                lines[lines.count - 1] += (lines[lines.count - 1].hasSuffix(" ") ? "" : " ") + word
            }
            return lines.joined(separator: "\n")
        }
        return """
        Stages:
          all             the whole chain (chapters 1-9), then the report (--seeds)
          autograd        chapter 1: the scalar engine trains a small network
          transformer     chapter 2: pretraining (tokenizer and GPT)
          sft             chapter 3: supervised fine-tuning (--lora, --qlora, --data)
          sft-study       chapter 3: how much data, and how good
          copying-study   chapter 3: digit tokens and longer pretraining
          lora            chapter 4: LoRA ranks against full fine-tuning
          qlora           chapter 5: LoRA on a 4-bit (NF4) base
          reward-model    chapter 6: the reward model (--data)
          rlhf            chapter 7: PPO on the whole rule grader
        \(variants("--algo", RLHFRun.Algo.allCases.map(\.rawValue).filter { $0 != "ppo" }))
                          --variant overoptimisation (PPO on the reward model, long)
          dpo             chapter 8: DPO, sigmoid loss (--lora, --flaws, --data,
                          --pairs, --edited-tokens)
        \(variants("--loss", DPOVariant.allCases.map(\.rawValue).filter { $0 != "sigmoid" }))
                          --loss all (every loss, then the comparison)
          dpo-controls    chapter 8: DPO on designed pairs and its controls
                          (--pairs, --edited-tokens, --seeds)
        \(variants("--control", DPOControlsRun.Control.allCases.map(\.rawValue)))
          evaluation      chapter 9: every model graded on the test prompts
        """
    }

    static let chapters = ["autograd", "transformer", "sft", "lora", "qlora", "reward-model", "rlhf", "dpo", "dpo-controls", "evaluation",
                           "sft-study", "copying-study"]

    /// The chain `course run all` builds, in order: every chapter, each study at the size the
    /// report compares (Chapter 4: LoRA rank 16 only), so the chain stays within its time budget.
    static var chain: [any Stage] { [
        AutogradStage(), PretrainingStage(), SFTStage(), LoRAStage(scope: .chain), QLoRAStage(scope: .chain), RewardModelStage(),
        RLStage(algo: .ppoRM), RLStage(algo: .grpo), DPOStage(options: .init(inChain: true)), EvaluationStage(scope: .chain),
    ] }

    /// Each stage's share of the default chain's time, from a measured run (minutes on 2
    /// cores), so the chain's "time left" is an estimate from the start, not after a stage.
    static let chainMinutes: [Double] = [0.1, 11.8, 3.0, 1.7, 1.9, 1.9, 1.6, 1.1, 1.6, 5.0]

    /// Every chapter in order, reusing stages already built; a failing stage stops the chain
    /// with its name, and everything built before it stays on disk.
    static func runAll(_ schedule: Schedule, mine: Flavor? = nil) throws {
        if let mine {
            let ids = Mine.pluggable(stages: chain.map(\.folder))
            try Mine.check(ids: ids, flavor: mine, root: packageRoot())
            print("Training on your code: every stage uses its chapter's exercises (\(ids.joined(separator: ", "))) in place of the kit's implementations.")
        }
        let (start, cpu) = (Date(), ProcessCPU.seconds)
        defer { ProgressBar.chain = nil }
        // How long each stage took, nil for a stage reused from an earlier run: the chain's
        // time left is measured on the stages built now.
        var seconds: [Double?] = []
        for (i, stage) in chain.enumerated() {
            print("== stage \(i + 1)/\(chain.count): \(stage.folder) ==")
            let (stageStart, stageCPU) = (Date(), ProcessCPU.seconds)
            ProgressBar.chain = ChainProgress(index: i, of: chain.map(\.folder), weights: chainMinutes, started: start,
                                              stageStarted: stageStart, secondsBefore: seconds)
            // Under --mine every stage is built again, on its chapter's exercises: a stage the kit
            // built earlier must not stand in for the learner's.
            let reused = mine == nil && schedule.isBuilt(stage)
            do {
                if let mine, let chapter = Mine.chapter(of: stage.folder) {
                    _ = try Mine.installed(chapter: chapter, flavor: mine) { try schedule.build(stage, force: true) }
                } else {
                    try schedule.reuseOrBuild(stage)
                }
            } catch {
                throw CourseError("stage \(stage.folder) failed: \(error) (earlier stages are kept in \(schedule.runs.path); run `course run all` again to continue)")
            }
            seconds.append(reused ? nil : Date().timeIntervalSince(stageStart))
            print(String(format: "== %@ done in %.1f minutes (%.1f CPU-minutes) ==", stage.folder, Date().timeIntervalSince(stageStart) / 60,
                         (ProcessCPU.seconds - stageCPU) / 60))
        }
        try CostTable.write(runs: schedule.runs, folders: chain.map(\.folder))
        print(String(format: "all stages done in %.1f minutes (%.1f CPU-minutes); report: %@", Date().timeIntervalSince(start) / 60,
                     (ProcessCPU.seconds - cpu) / 60, schedule.runs.appendingPathComponent("report.md").path))
    }

    /// The stage `chapter` and the options name, checked before anything is built.
    func stage() throws -> any Stage {
        if flaws != nil && chapter != "dpo" { throw CourseError("--flaws applies to `course run dpo` only") }
        if (pairs != nil || editedTokens) && !["dpo", "dpo-controls"].contains(chapter) {
            throw CourseError("--pairs and --edited-tokens apply to `course run dpo` and `course run dpo-controls` only")
        }
        if control != nil && chapter != "dpo-controls" { throw CourseError("--control applies to `course run dpo-controls` only") }
        if qlora && chapter != "sft" { throw CourseError("--qlora applies to `course run sft` only (Chapter 5's study is `course run qlora`)") }
        if lora && qlora { throw CourseError("choose --lora or --qlora, not both") }
        if base != nil && ["autograd", "transformer", "sft-study"].contains(chapter) {
            throw CourseError("--base replaces the pretrained model; it applies to the fine-tuning stages, not to \(chapter)")
        }
        switch chapter {
        case "autograd": return AutogradStage()
        case "transformer": return PretrainingStage()
        case "sft": return SFTStage(dataFile: data, method: lora ? .lora : qlora ? .qlora : .full)
        case "sft-study": return SFTStudyStage()
        case "copying-study": return CopyingStudyStage()
        case "lora": return LoRAStage()
        case "qlora": return QLoRAStage()
        case "reward-model": return RewardModelStage(dataFile: data)
        case "rlhf":
            if variant == "overoptimisation" { return OveroptimisationStage() }
            guard let algo = RLHFRun.Algo(rawValue: variant ?? "ppo") else {
                throw CourseError("unknown --algo \"\(variant ?? "")\" (available: \(RLHFRun.Algo.allCases.map(\.rawValue).joined(separator: ", ")), or --variant overoptimisation)")
            }
            return RLStage(algo: algo)
        case "dpo":
            let options = DPORun.Options(lora: lora, flaws: try flaws.map(Self.parseFlaws), dataFile: data,
                                         pairs: try pairs.map(Self.parsePairs), editedTokens: editedTokens)
            if variant == "all" {
                let stage = DPOCompareStage(options: options)
                try stage.check()
                return stage
            }
            guard let v = DPOVariant(rawValue: variant ?? "sigmoid") else {
                throw CourseError("unknown loss \"\(variant ?? "")\" (available: \(DPOVariant.allCases.map(\.rawValue).joined(separator: ", ")), all)")
            }
            return DPOStage(variant: v, options: options)
        case "dpo-controls": return try controlsStage()
        case "evaluation": return EvaluationStage()
        default:
            throw CourseError("unknown chapter \"\(chapter)\" (available: all, \(Self.chapters.joined(separator: ", ")))")
        }
    }

    /// `course run dpo-controls [--control NAME] [--pairs SET] [--edited-tokens]`.
    func controlsStage() throws -> DPOControlsStage {
        if lora || data != nil || variant != nil || base != nil {
            throw CourseError("dpo-controls trains full DPO (sigmoid) and its controls on the built-in world; it takes --pairs, --edited-tokens, --control and --seeds")
        }
        var stage = DPOControlsStage(pairs: try pairs.map(Self.parsePairs) ?? .all, editedTokens: editedTokens)
        if let control {
            guard let c = DPOControlsRun.Control(rawValue: control) else {
                throw CourseError("unknown --control \"\(control)\" (available: \(DPOControlsRun.Control.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            stage.controls = [c]
        }
        try stage.check()
        return stage
    }

    static func parsePairs(_ name: String) throws -> PairSet {
        guard let p = PairSet(rawValue: name) else {
            throw CourseError("unknown --pairs \"\(name)\" (available: \(PairSet.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return p
    }

    static func parseFlaws(_ list: String) throws -> [Flaw] {
        let known = Flaw.allCases.map(\.rawValue).joined(separator: ", ")
        let names = list.split(separator: ",").map(String.init)
        if names.isEmpty { throw CourseError("--flaws needs at least one flaw (available: \(known))") }
        return try names.map { name in
            guard let f = Flaw(rawValue: name) else { throw CourseError("unknown flaw \"\(name)\" in --flaws (available: \(known))") }
            return f
        }
    }

    func run() throws {
        lineBufferedOutput()
        let baseURL = base.map { URL(fileURLWithPath: $0) }
        if let baseURL { try BaseCheckpoint.checkFiles(baseURL) }
        guard Language(rawValue: lang) != nil else { throw CourseError("unknown --lang \"\(lang)\" (available: en, ja)") }
        var schedule = Schedule(runs: URL(fileURLWithPath: runs), preset: preset, seed: seed, resume: resume, base: baseURL)
        schedule.language = lang
        if let policyChange { schedule.policyChange = try PolicyChange.parse(policyChange).description }
        if let seeds {
            if chapter == "dpo-controls" { return try SeedRuns.runControls(try controlsStage(), seeds: try SeedRuns.parse(seeds), schedule: schedule) }
            guard chapter == "all" else { throw CourseError("--seeds applies to `course run all` and `course run dpo-controls` only") }
            if mine { throw CourseError("--mine runs one chain on your code; it does not take --seeds") }
            return try SeedRuns.run(try SeedRuns.parse(seeds), schedule: schedule)
        }
        if chapter == "all" { return try Self.runAll(schedule, mine: mine ? try flavor() : nil) }
        let stage = try stage()
        try stage.check()
        guard mine else {
            _ = try schedule.build(stage, force: true)
            return
        }
        try Mine.run(chapter, stage: stage, flavor: try flavor(), root: packageRoot(), schedule: schedule)
    }
}

extension RunCommand {
    /// Whose code `--mine` plugs in: the learner's, or (`--mine-flavor reference`, for the
    /// tests) the reference solutions.
    func flavor() throws -> Flavor {
        guard let f = Flavor(rawValue: mineFlavor) else { throw CourseError("unknown --mine-flavor \(mineFlavor)") }
        return f
    }
}

extension Schedule {
    /// Whether `stage`'s folder already holds a finished run with accepted settings (what
    /// `reuseOrBuild` reuses).
    func isBuilt<S: Stage>(_ stage: S) -> Bool {
        stage.accepted(self).contains { isDone(url(stage.folder), settings: $0, folder: stage.folder) }
    }
}
