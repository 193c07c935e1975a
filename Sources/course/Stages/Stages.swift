import Autograd
import Core
import DPO
import Ecosystem
import Evaluation
import Foundation
import LoRA
import QLoRA
import RewardModel
import RLHF
import SFT
import SupportDesk
import Transformer

// The chain's stages: each names its chapter's run, its folder and the stages it reads. The
// work, the settings and their reasons are in the chapter modules.

struct AutogradStage: Stage {
    var folder: String { "autograd" }
    func settings(_ s: Schedule) -> MLPDemo.Config { AutogradRun.settings(s.preset, seed: s.seed(of: folder)) }
    func run(_ spec: RunSpec, settings: MLPDemo.Config, schedule s: Schedule) throws { try AutogradRun.run(spec, settings: settings) }
}

struct PretrainingStage: Stage {
    var folder: String { "transformer" }
    /// With `--base DIR`, the chain starts from that Hugging Face checkpoint instead of
    /// pretraining: it is prepared (chat tokens added) into the same model folder.
    func settings(_ s: Schedule) -> Either<PretrainingRun.Settings, BaseSource> {
        if let base = s.base { return .second(BaseSource(base)) }
        return .first(PretrainingRun.settings(s.preset, seed: s.seed(of: folder)))
    }
    func run(_ spec: RunSpec, settings: Either<PretrainingRun.Settings, BaseSource>, schedule s: Schedule) throws {
        switch settings {
        case .first(let p): try PretrainingRun.run(spec, settings: p)
        case .second(let b):
            let summary = try BaseCheckpoint.prepare(from: URL(fileURLWithPath: b.path), to: model(s))
            print("base \(b.path): \(grouped(summary.parameters)) parameters, vocabulary \(summary.vocabulary)"
                  + (summary.addedTokens.isEmpty ? "" : " (added \(summary.addedTokens.joined(separator: " ")); their rows start at the mean row)"))
        }
    }
    func model(_ s: Schedule) -> URL { PretrainingRun.modelFolder(in: s.folder(of: self)) }
}

/// A Hugging Face checkpoint given with `--base`: its path and the size and date of its weights,
/// so that a stage built from another file is built again.
struct BaseSource: Encodable {
    var path: String
    var bytes: Int
    var modified: Double
    init(_ url: URL) {
        let a = try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("model.safetensors").path)
        path = url.standardizedFileURL.path
        bytes = (a?[.size] as? Int) ?? 0
        modified = ((a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0).rounded()
    }
}

/// One of two settings types, encoded as the one it holds (so the default chain's fingerprints
/// are the same as without the wrapper).
enum Either<A: Encodable, B: Encodable>: Encodable {
    case first(A), second(B)
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .first(let a): try c.encode(a)
        case .second(let b): try c.encode(b)
        }
    }
}

struct SFTStage: Stage {
    /// The learner's own data file (`--data`); later stages build on the built-in SFT model.
    var dataFile: String? = nil
    /// Every weight, LoRA or QLoRA (`--lora`, `--qlora`). With adapters, or from a `--base`
    /// checkpoint, the run is `FineTuneRun` (it writes model/ merged and adapter/); Chapter 3's
    /// own run otherwise.
    var method = FineTuneRun.Method.full
    var folder: String { "sft" }
    var dependencies: [any Stage] { [PretrainingStage()] }
    func settings(_ s: Schedule) -> Either<SFTRun.Settings, FineTuneRun.Settings> {
        if method == .full && s.base == nil { return .first(SFTRun.settings(s.preset, seed: s.seed, dataFile: dataFile)) }
        return .second(FineTuneRun.settings(s.preset, seed: s.seed, method: method, dataFile: dataFile,
                                            baseSource: s.base.map { BaseSource($0).path }))
    }
    func check() throws { if let dataFile { _ = try SFTData.load(path: dataFile) } }
    func run(_ spec: RunSpec, settings: Either<SFTRun.Settings, FineTuneRun.Settings>, schedule s: Schedule) throws {
        switch settings {
        case .first(let st): try SFTRun.run(spec, settings: st, base: PretrainingStage().model(s))
        case .second(let st): try FineTuneRun.run(spec, settings: st, base: PretrainingStage().model(s))
        }
    }
    func model(_ s: Schedule) -> URL { s.folder(of: self).appendingPathComponent("model") }
}

struct SFTStudyStage: Stage {
    var folder: String { "sft-study" }
    var dependencies: [any Stage] { [PretrainingStage()] }
    func settings(_ s: Schedule) -> SFTStudyRun.Settings { SFTStudyRun.settings(s.preset, seed: s.seed) }
    func run(_ spec: RunSpec, settings: SFTStudyRun.Settings, schedule s: Schedule) throws {
        try SFTStudyRun.run(spec, settings: settings, base: PretrainingStage().model(s))
    }
}

struct CopyingStudyStage: Stage {
    var folder: String { "copying-study" }
    func settings(_ s: Schedule) -> CopyingStudyRun.Settings { CopyingStudyRun.settings(s.preset) }
    /// The default variant is the chain's own pretrained and SFT models when they are already
    /// built (the same settings, so the same models): the study then trains only the others.
    func run(_ spec: RunSpec, settings: CopyingStudyRun.Settings, schedule s: Schedule) throws {
        let pre = PretrainingStage(), sft = SFTStage()
        let defaults = PretrainingRun.settings(s.preset, seed: s.seed)
        try CopyingStudyRun.run(spec, settings: settings, reuse: { v in
            // Checked when the variant's turn comes: a chain running beside the study may finish meanwhile.
            let chainBuilt = s.isBuilt(pre) && s.isBuilt(sft)
            guard chainBuilt, v.splitDigits == defaults.splitDigits, v.pretrainingSteps == defaults.train.steps else { return nil }
            return (s.folder(of: pre), s.folder(of: sft))
        })
    }
}

struct LoRAStage: Stage {
    var scope = FineTuneStudy.Scope.study
    var folder: String { "lora" }
    var dependencies: [any Stage] { [PretrainingStage()] }
    func settings(_ s: Schedule) -> FineTuneStudy.Settings { FineTuneStudy.settings(s.preset, scope: scope) }
    func accepted(_ s: Schedule) -> [FineTuneStudy.Settings] { FineTuneStudy.accepted(s.preset) }
    func run(_ spec: RunSpec, settings: FineTuneStudy.Settings, schedule s: Schedule) throws {
        try LoRARun.run(spec, settings: settings, base: PretrainingStage().model(s))
    }
}

struct QLoRAStage: Stage {
    var scope = FineTuneStudy.Scope.study
    var folder: String { "qlora" }
    var dependencies: [any Stage] { [PretrainingStage(), LoRAStage(scope: scope)] }
    func settings(_ s: Schedule) -> FineTuneStudy.Settings { FineTuneStudy.settings(s.preset, scope: scope) }
    func accepted(_ s: Schedule) -> [FineTuneStudy.Settings] { FineTuneStudy.accepted(s.preset) }
    func run(_ spec: RunSpec, settings: FineTuneStudy.Settings, schedule s: Schedule) throws {
        try QLoRARun.run(spec, settings: settings, base: PretrainingStage().model(s), lora: s.folder(of: LoRAStage()))
    }
}

struct RewardModelStage: Stage {
    var dataFile: String? = nil
    var folder: String { "reward-model" }
    var dependencies: [any Stage] { [SFTStage()] }
    func settings(_ s: Schedule) -> RewardModelRun.Settings { RewardModelRun.settings(s.preset, seed: s.seed, dataFile: dataFile) }
    func check() throws { if let dataFile { _ = try PreferenceData.load(path: dataFile) } }
    func run(_ spec: RunSpec, settings: RewardModelRun.Settings, schedule s: Schedule) throws {
        try RewardModelRun.run(spec, settings: settings, sft: SFTStage().model(s))
    }
    func model(_ s: Schedule) -> URL { s.folder(of: self).appendingPathComponent("model") }
}

struct RLStage: Stage {
    var algo: RLHFRun.Algo
    var folder: String { "rlhf/\(algo.rawValue)" }
    var dependencies: [any Stage] { [SFTStage()] + (algo.usesRewardModel ? [RewardModelStage()] : []) }
    func settings(_ s: Schedule) -> RLHFRun.Settings { RLHFRun.settings(s.preset, seed: s.seed, algo: algo) }
    func run(_ spec: RunSpec, settings: RLHFRun.Settings, schedule s: Schedule) throws {
        try RLHFRun.run(spec, settings: settings, sft: SFTStage().model(s),
                        rewardModel: algo.usesRewardModel ? RewardModelStage().model(s) : nil)
    }
}

struct OveroptimisationStage: Stage {
    var folder: String { "rlhf/overoptimisation" }
    var dependencies: [any Stage] { [SFTStage(), RewardModelStage()] }
    func settings(_ s: Schedule) -> OveroptimisationStudy.Settings { OveroptimisationStudy.settings(s.preset, seed: s.seed) }
    func run(_ spec: RunSpec, settings: OveroptimisationStudy.Settings, schedule s: Schedule) throws {
        try OveroptimisationStudy.run(spec, settings: settings, sft: SFTStage().model(s), rewardModel: RewardModelStage().model(s))
    }
}

struct DPOStage: Stage {
    var variant = DPOVariant.sigmoid
    var options = DPORun.Options()
    var folder: String { DPORun.folder(variant, options) }
    var dependencies: [any Stage] { [SFTStage()] }
    func settings(_ s: Schedule) -> DPORun.Settings { DPORun.settings(s.preset, seed: s.seed, variant: variant, options) }
    /// The chain's run (fewer graded prompts) and a run of `course run dpo` serve each other.
    func accepted(_ s: Schedule) -> [DPORun.Settings] {
        [true, false].map { chain in var o = options; o.inChain = chain; return DPORun.settings(s.preset, seed: s.seed, variant: variant, o) }
    }
    func check() throws { try DPORun.check(variant, options) }
    func run(_ spec: RunSpec, settings: DPORun.Settings, schedule s: Schedule) throws {
        try DPORun.run(spec, settings: settings, sft: SFTStage().model(s))
    }
}

struct DPOCompareStage: Stage {
    var options = DPORun.Options()
    var folder: String { DPOCompareRun.folder(options) }
    var dependencies: [any Stage] { [SFTStage()] }
    func settings(_ s: Schedule) -> [DPORun.Settings] { DPOCompareRun.settings(s.preset, seed: s.seed, options) }
    func check() throws {
        if options.flaws != nil { throw CourseError("--flaws applies to the losses trained on the built-in pairs, not to --loss all") }
        if options.pairs != nil || options.editedTokens {
            throw CourseError("--pairs and --edited-tokens apply to one loss at a time (course run dpo --loss NAME) and to dpo-controls, not to --loss all")
        }
    }
    func run(_ spec: RunSpec, settings: [DPORun.Settings], schedule s: Schedule) throws {
        try DPOCompareRun.run(spec, settings: settings, sft: SFTStage().model(s))
    }
}

/// Every model the course produced, measured on the same held-out prompts, and the run report
/// (runs/report.md and .html, with the history of earlier runs).
struct EvaluationStage: Stage {
    /// How the chain builds a missing study: only the parts the report compares.
    var scope = FineTuneStudy.Scope.study
    var folder: String { "evaluation" }
    var dependencies: [any Stage] {
        [PretrainingStage(), SFTStage(), LoRAStage(scope: scope), QLoRAStage(scope: scope), RLStage(algo: .ppoRM), RLStage(algo: .grpo),
         DPOStage(options: .init(inChain: scope == .chain)), RewardModelStage()]
    }
    func settings(_ s: Schedule) -> EvaluationRun.Settings { EvaluationRun.settings(s.preset) }

    func candidates(_ s: Schedule) -> [EvaluationRun.Candidate] {
        let base = PretrainingStage().model(s)
        func model(_ stage: any Stage) -> URL { s.folder(of: stage).appendingPathComponent("model") }
        let rank = FineTuneStudy.studySettings(s.preset).qloraRank
        func signal(_ c: EvaluationRun.Candidate, _ text: String) -> EvaluationRun.Candidate { var c = c; c.signal = text; return c }
        return [
            .init(name: "base", about: "the pretrained model, no fine-tuning (Chapter 2)", folder: base),
            signal(.init(name: "sft", about: "supervised fine-tuning, all weights (Chapter 3)", folder: SFTStage().model(s)), "reference replies"),
            signal(.init(name: "lora-r16", about: "LoRA rank 16 on the pretrained model, merged (Chapter 4)", base: base,
                         adapter: s.folder(of: LoRAStage()).appendingPathComponent("lora-r16/adapter")), "reference replies"),
            signal(.init(name: "qlora-r16", about: "QLoRA rank 16 on the 4-bit (NF4) pretrained model, dequantised and merged (Chapter 5)",
                         base: base, adapter: s.folder(of: QLoRAStage()).appendingPathComponent("qlora-r\(rank)/adapter"), fourBitBase: true),
                   "reference replies"),
            signal(.init(name: "ppo", about: "PPO on Chapter 6's reward model with an adaptive KL penalty, from SFT (Chapter 7)",
                         folder: model(RLStage(algo: .ppoRM))), "reward model"),
            signal(.init(name: "grpo", about: "GRPO on a verifiable reward (structure and facts checked against the prompt), from SFT (Chapter 7)",
                         folder: model(RLStage(algo: .grpo))), "verifiable reward: structure, facts"),
            signal(.init(name: "dpo", about: "DPO (sigmoid loss, β 0.1) on preference pairs, from SFT (Chapter 8)", folder: model(DPOStage())),
                   "preference pairs (the reward model's data)"),
        ]
    }

    func run(_ spec: RunSpec, settings: EvaluationRun.Settings, schedule s: Schedule) throws {
        let candidates = candidates(s)
        let outcome = try EvaluationRun.run(spec, settings: settings, candidates: candidates)
        // The reward model of Chapter 6 as a second judge: (prompt, reply) -> score.
        let (rm, template) = try RewardModelRun.load(RewardModelStage().model(s))
        var report = Report(results: outcome.results, items: outcome.items, candidates: candidates, contaminated: outcome.contaminated,
                            evalSize: outcome.evalSize, judge: Memo { Double(rm.score(prompt: $0, reply: $1, template: template)) }.score,
                            preset: s.preset, seed: s.seed, minutes: outcome.minutes)
        report.world = s.policyChange
        report.text = ReportText.of(spec.language)
        try report.write(runs: s.runs, dir: spec.dir)
        print(report.summary)
        print("wrote \(s.runs.appendingPathComponent("report.md").path) and report.html")
    }
}

/// A judge's scores remembered per (prompt, reply): the report reads each several times (win
/// rates, length bias, figures), and a reward-model forward pass per reading cost minutes.
final class Memo {
    private var seen: [String: Double] = [:]
    private let body: ([Message], String) -> Double
    init(_ body: @escaping ([Message], String) -> Double) { self.body = body }
    func score(_ prompt: [Message], _ reply: String) -> Double {
        let key = prompt.map(\.content).joined(separator: "\u{1}") + "\u{0}" + reply
        if let s = seen[key] { return s }
        let s = body(prompt, reply)
        seen[key] = s
        return s
    }
}

/// `course run dpo-controls`: DPO on a pair set and its controls (`DPOControlsRun`), then
/// results.md for this seed; `--seeds` runs it per seed and writes results.md across them.
struct DPOControlsStage: Stage {
    var controls = DPOControlsRun.Control.standard
    var pairs = PairSet.all
    var editedTokens = false
    var options: DPORun.Options { .init(pairs: pairs, editedTokens: editedTokens) }
    var folder: String { DPOControlsRun.folder(controls: controls, pairs: pairs, editedTokens: editedTokens) }
    var dependencies: [any Stage] { [SFTStage()] }
    func settings(_ s: Schedule) -> DPOControlsRun.Settings { DPOControlsRun.settings(s.preset, seed: s.seed, controls: controls, options) }
    func check() throws { try DPORun.check(.sigmoid, options) }
    func run(_ spec: RunSpec, settings: DPOControlsRun.Settings, schedule s: Schedule) throws {
        try DPOControlsRun.run(spec, settings: settings, sft: SFTStage().model(s))
        let report = try DPOControlsReport(folders: [spec.dir], seeds: [spec.seed], spec: spec)
        try report.write(to: spec.dir)
        print(report.summary)
        print("wrote \(spec.dir.appendingPathComponent("results.md").path)")
    }
}
