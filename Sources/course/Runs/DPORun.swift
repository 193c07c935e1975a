import Autograd
import Core
import DPO
import Foundation
import LoRA
import Plot
import RewardModel
import SFT
import SupportDesk
import Transformer

/// Chapter 8: DPO and its relatives, trained from the SFT model on SupportDesk preferences.
/// `course run dpo [--loss sigmoid|ipo|hinge|robust|simpo|orpo|rpo|kto|self|mended] [--lora]
/// [--flaws cold_tone,...]` writes runs/dpo/<loss>/, with `-<flaws>` and `-lora` appended
/// (config.json, metrics.csv, report.json, loss.png, rewards.png, grader.png, flaws.png,
/// samples.md, model/); `--loss all` trains every variant from the same
/// SFT model and writes the comparison to runs/dpo/compare/ (see DPOCompareRun).
enum DPORun {
    /// Every loss, "rpo": DPO (sigmoid) plus an SFT term on the chosen replies (TRL's
    /// `rpo_alpha`), KTO, "self": DPO (sigmoid) on pairs of the SFT model's own sampled
    /// replies ranked by the grader (see `SelfGeneratedPairs`), and "mended": DPO (sigmoid) on the
    /// offline pairs plus the SFT model's greedy replies against their mended copies (see
    /// `CorrectionPairs`).
    static let variants = PreferenceLoss.allCases.map(\.rawValue) + ["rpo", "kto", "self", "mended"]

    /// The pairwise loss a variant trains with ("rpo", "self" and "mended" are DPO with a term
    /// added or on other pairs).
    static func pairLoss(_ variant: String) -> PreferenceLoss? {
        variant == "self" || variant == "rpo" || variant == "mended" ? .sigmoid : PreferenceLoss(rawValue: variant)
    }

    struct Settings: Codable {
        var data: SizePreset
        var loss: String
        var lossSettings: LossSettings
        var kto: KTOSettings
        var train: PreferenceTraining
        var lora: LoRAConfig?
        var evalPrompts: Int
        var maxNewTokens: Int
        /// "self": how many training prompts, and how many sampled replies per prompt.
        var selfPrompts: Int
        var selfSamples: Int
        /// "mended": how many training prompts get a greedy reply to mend.
        var mendPrompts: Int
        var heldOutRule = "every 10th preference pair (index % 10 == 0) is held out; replies are graded on the data set's held-out prompts"
        var dataFile: String?
        /// `--flaws`: the flaws whose pairs are trained on (nil: every pair). Held-out pairs and
        /// prompts stay the same, so runs on different flaws are compared on the same test.
        var flaws: [String]? = nil
    }

    static func settings(_ ctx: RunContext, loss: String) -> Settings {
        // TRL's defaults (β 0.1), except where a loss needs its own: robust DPO needs ε > 0 to
        // differ from sigmoid; SimPO's β multiplies per-token averages, and with TRL's 0.1 the
        // loss barely moves, so it gets the SimPO paper's scale (β 2, γ = β/2).
        var ls = LossSettings()
        if loss == "robust" { ls.labelSmoothing = 0.1 }
        if loss == "simpo" { ls.beta = 2; ls.simpoGamma = 1 }
        if loss == "rpo" { ls.rpoAlpha = 1 }   // the RPO paper's α, which TRL's documentation suggests
        switch ctx.preset {
        case .quick:
            return Settings(data: .small, loss: loss, lossSettings: ls, kto: .init(),
                            train: .init(steps: 6, pairsPerBatch: 2, learningRate: 1e-4, warmupSteps: 1, evalEvery: 3, seed: ctx.seed),
                            lora: ctx.lora ? DPOAdapters.config : nil, evalPrompts: 4, maxNewTokens: 40,
                            selfPrompts: 6, selfSamples: 2, mendPrompts: 6, dataFile: ctx.dataFile, flaws: ctx.flaws)
        case .default:
            // In `course run all` the evaluation stage grades the DPO model again on its own
            // prompts, so the stage grades a quarter as many.
            return Settings(data: .default, loss: loss, lossSettings: ls, kto: .init(),
                            train: .init(steps: 150, pairsPerBatch: 8, learningRate: ctx.lora ? 1e-4 : 1e-5, warmupSteps: 10,
                                         evalEvery: 50, seed: ctx.seed),
                            lora: ctx.lora ? DPOAdapters.config : nil, evalPrompts: ctx.inChain ? 60 : 240,
                            maxNewTokens: ReplyEvaluator.replyTokenLimit,
                            selfPrompts: 600, selfSamples: 4, mendPrompts: 1080, dataFile: ctx.dataFile, flaws: ctx.flaws)
        }
    }

    static func run(_ ctx: RunContext) throws {
        let loss = ctx.variant ?? "sigmoid"
        if let flaws = ctx.flaws { try checkFlaws(flaws, loss: loss, dataFile: ctx.dataFile) }
        if loss == "all" { return try DPOCompareRun.run(ctx) }
        guard variants.contains(loss) else {
            throw CourseError("unknown loss \"\(loss)\" (available: \(variants.joined(separator: ", ")), all)")
        }
        let s = settings(ctx, loss: loss)
        if loss == "self" || loss == "mended", ctx.dataFile != nil {
            throw CourseError("--loss \(loss) makes pairs from the SFT model's replies to the built-in prompts; it takes no --data file")
        }
        let data = try Inputs.load(ctx, preset: s.data, unpaired: loss == "kto")
        let name = loss + (s.flaws.map { "-" + $0.joined(separator: "+") } ?? "") + (ctx.lora ? "-lora" : "")
        let dir = try ctx.directory("dpo/" + name)
        var alone = ctx
        alone.inChain = false   // the chain also reuses a run of `course run dpo`
        if StageMarker.skip(dir, ctx, anyOf: [s, settings(alone, loss: loss)]) { return }
        StageMarker.clear(dir)
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let world = try DPOSetup(ctx, data, s, pairs: loss != "kto",
                                 reference: DPORun.pairLoss(loss)?.needsReference ?? false, unpaired: loss == "kto",
                                 selfPairs: loss == "self", correctionPairs: loss == "mended")
        let sft = world.gradeSFT(progress: ProgressBar("grading SFT", total: world.items.count))
        let (report, policy, _) = try world.train(s, label: name, dir: dir, sft: sft)
        try SFTRun.saveModel(policy, world.template, to: dir.appendingPathComponent("model"))
        try StageMarker.markDone(dir, ctx, settings: s)
        print(DPOReporting.line(sft.report))
        print(DPOReporting.line(report))
        print("wrote \(dir.path)/")
    }
}

extension DPORun {
    /// `--flaws` names flaws of the built-in pairs and applies to the losses trained on them
    /// (not to kto, self, mended or all).
    static func checkFlaws(_ flaws: [String], loss: String, dataFile: String?) throws {
        let known = Flaw.allCases.map(\.rawValue)
        if let bad = flaws.first(where: { !known.contains($0) }) {
            throw CourseError("unknown flaw \"\(bad)\" in --flaws (available: \(known.joined(separator: ", ")))")
        }
        if flaws.isEmpty { throw CourseError("--flaws needs at least one flaw (available: \(known.joined(separator: ", ")))") }
        if dataFile != nil { throw CourseError("--flaws picks built-in pairs by their flaw; it takes no --data file") }
        guard pairLoss(loss) != nil, loss != "self", loss != "mended" else {
            throw CourseError("--flaws applies to the losses trained on the built-in pairs, not to --loss \(loss)")
        }
    }

    // MARK: book pairs-by-flaw
    /// The training pairs whose rejected reply shows one of `flaws` (all of them when nil): to
    /// see what each kind of pair does to the policy on its own.
    static func pairs(_ pairs: [PreferenceExample], flaws: [String]?) -> [PreferenceExample] {
        guard let flaws else { return pairs }
        return pairs.filter { $0.flaw.map(flaws.contains) ?? false }
    }
    // MARK: end
}

/// The data a DPO run reads: the learner's file (checked before any work) or the built-in set.
struct Inputs {
    var pairs: [PreferenceExample]
    var unpaired: [UnpairedPreference]
    var items: [EvalItem]
    /// Training prompts with their facts, for self-generated pairs (the training split of the
    /// preference prompts).
    var prompts: [(prompt: [Message], truth: Truth)]

    static func load(_ ctx: RunContext, preset: SizePreset, unpaired: Bool) throws -> Inputs {
        let own = try ctx.dataFile.map { path -> Either in
            unpaired ? .unpaired(try UnpairedPreference.load(path: path)) : .pairs(try PreferenceData.load(path: path))
        }
        let data = Dataset.generate(seed: ctx.seed, lang: .en, size: preset)
        var inputs = Inputs(pairs: data.preferences.map(PreferenceExample.init), unpaired: data.unpaired.map(UnpairedPreference.init),
                            items: data.eval, prompts: PreferenceData.split(data.preferences).train.map { ($0.prompt, $0.truth) })
        switch own {
        case .pairs(let p): inputs.pairs = p
        case .unpaired(let u): inputs.unpaired = u
        case nil: break
        }
        return inputs
    }
    enum Either { case pairs([PreferenceExample]), unpaired([UnpairedPreference]) }
}

/// Everything the variants share: the SFT model (the reference), the prepared data with
/// reference log-probs computed once, and the held-out prompts.
final class DPOSetup {
    let ctx: RunContext
    let settings: DPORun.Settings
    let sftDir: URL
    let reference: GPT
    let template: ChatTemplate
    let pad: Int
    let train: [PreparedPair]
    let heldOut: [PreparedPair]
    let unpaired: [PreparedUnpaired]
    let items: [EvalItem]

    /// `pairs`: prepare the training pairs (with reference log-probs when `reference`);
    /// `unpaired`: prepare KTO's replies; `correctionPairs`: prepare the mended pairs (the
    /// "mended" variant trains on them and the offline pairs). Held-out pairs always get
    /// reference log-probs.
    let selfPairs: [PreparedPair]
    let mendedPairs: [PreparedPair]

    init(_ ctx: RunContext, _ data: Inputs, _ s: DPORun.Settings, pairs: Bool, reference needsReference: Bool, unpaired: Bool,
         selfPairs: Bool, correctionPairs: Bool = false) throws {
        self.ctx = ctx
        settings = s
        sftDir = try SFTRun.ensure(RewardModelRun.upstream(ctx))
        (reference, template) = try SFTRun.loadModel(sftDir)
        pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        let context = reference.config.contextLength
        let (allTrain, heldPairs) = PreferenceData.split(data.pairs)
        let trainPairs = DPORun.pairs(allTrain, flaws: s.flaws)
        if let flaws = s.flaws { print("--flaws \(flaws.joined(separator: ",")): \(trainPairs.count) of \(allTrain.count) training pairs") }
        print("computing the reference (SFT) model's log-probs once...")
        let (tr, d1) = ReferenceLogProbs.prepare(pairs ? trainPairs : [], template: template,
                                                 reference: needsReference ? reference : nil, context: context, pad: pad)
        let (ho, d2) = ReferenceLogProbs.prepare(heldPairs, template: template, reference: reference, context: context, pad: pad)
        (train, heldOut) = (tr, ho)
        if needsReference { DPOReporting.referenceGaps(tr) }
        if unpaired {
            let (u, d3) = ReferenceLogProbs.prepare(data.unpaired, template: template, reference: reference, context: context, pad: pad)
            self.unpaired = u
            print("KTO data: \(u.count) unpaired replies (\(u.filter(\.label).count) desirable; \(d3) longer than the context dropped)")
        } else {
            self.unpaired = []
        }
        if selfPairs {
            let prompts = Array(data.prompts.prefix(s.selfPrompts))
            let generated = SelfGeneratedPairs.build(reference, template: template, prompts: prompts, samples: s.selfSamples,
                                                     minGap: ctx.preset == .quick ? 0 : 0.05, maxNewTokens: s.maxNewTokens, seed: ctx.seed,
                                                     requireFinished: ctx.preset != .quick,
                                                     progress: ProgressBar("sampling SFT replies", total: prompts.count))
            self.selfPairs = ReferenceLogProbs.prepare(generated, template: template, reference: reference, context: context, pad: pad).pairs
            print("self-generated pairs: \(self.selfPairs.count) from \(prompts.count) prompts × \(s.selfSamples) samples (best vs worst by the grader)")
        } else {
            self.selfPairs = []
        }
        if correctionPairs {
            let prompts = Array(data.prompts.prefix(s.mendPrompts))   // the default preset's 1,080: all of them
            let generated = CorrectionPairs.build(reference, template: template, prompts: prompts, maxNewTokens: s.maxNewTokens,
                                                  progress: ProgressBar("mending SFT replies", total: prompts.count))
            let mended = ReferenceLogProbs.prepare(generated, template: template, reference: reference, context: context, pad: pad).pairs
            // How far below its own reply the SFT model puts the mended one (sequence log-prob, nats).
            let gap = mended.map { $0.referenceRejected - $0.referenceChosen }.reduce(0, +) / Float(max(mended.count, 1))
            print("mended pairs: \(mended.count) from \(prompts.count) greedy SFT replies; the SFT model puts a mended reply "
                  + "\(String(format: "%.1f", gap)) nats below its own on average")
            mendedPairs = mended
        } else {
            mendedPairs = []
        }
        print("pairs: \(train.count) training, \(heldOut.count) held out (\(d1 + d2) longer than the context dropped)")
        items = Array(data.items.prefix(s.evalPrompts))
    }

    struct Graded { var report: PolicyReport; var grades: [Grade]; var replies: [String] }

    func grade(_ model: GPT, name: String, progress: ProgressBar? = nil) -> Graded {
        let g = PolicyEvaluation.grade(model, template: template, items: items, maxNewTokens: settings.maxNewTokens, progress: progress)
        return Graded(report: PolicyEvaluation.report(name, grades: g.grades, replies: g.replies, finished: g.finished),
                      grades: g.grades, replies: g.replies)
    }

    func gradeSFT(progress: ProgressBar? = nil) -> Graded {
        var g = grade(reference, name: "sft", progress: progress)
        g.report.kl = 0
        g.report.winRate = 0.5
        g.report.sampled = PolicyEvaluation.sample(policy: reference, reference: nil, template: template, items: items,
                                                   maxNewTokens: settings.maxNewTokens, seed: ctx.seed).summary
        return g
    }

    /// A fresh policy (a copy of the SFT model), trained with `loss`, then graded against SFT.
    func train(_ s: DPORun.Settings, label: String, dir: URL, sft: Graded, quiet: Bool = false) throws
        -> (report: PolicyReport, policy: GPT, metrics: MetricsWriter) {
        let loss = s.loss
        let (policy, _) = try SFTRun.loadModel(sftDir)
        let trainable = try DPOAdapters.trainableParameters(policy, lora: s.lora, seed: ctx.seed)
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"), columns: PreferenceTraining.metricColumns)
        if loss == "kto" {
            let t = try KTOTrainer(model: policy, kto: s.kto, train: unpaired, heldOut: heldOut, settings: s.train,
                                   pad: pad, parameters: trainable)
            metrics.log(["step": 0].merging(t.evaluate().row(prefix: "eval_")) { $1 })
            try t.run(metrics: metrics, label: label, quiet: quiet)
        } else {
            let t = try DPOTrainer(model: policy, loss: DPORun.pairLoss(loss)!, lossSettings: s.lossSettings,
                                   train: loss == "self" ? selfPairs : loss == "mended" ? train + mendedPairs : train,
                                   heldOut: heldOut, settings: s.train, pad: pad, parameters: trainable)
            // Full fine-tuning is checkpointed and resumable; LoRA runs are short and restart.
            let checkpoints = s.lora == nil ? dir.appendingPathComponent("checkpoints") : nil
            if ctx.resume, let checkpoints, try t.resume(from: checkpoints) {
                print("resumed from step \(t.trainer.step)")
                metrics.restore(upToStep: t.trainer.step)
            } else {
                if let checkpoints { try? FileManager.default.removeItem(at: checkpoints) }
                let e = t.evaluate()
                metrics.log(["step": 0, "eval_loss": e.loss].merging(e.stats.row(prefix: "eval_")) { $1 })
            }
            try t.run(metrics: metrics, label: label, quiet: quiet, checkpoints: checkpoints)
        }
        try DPOAdapters.finish(policy, lora: s.lora, dir: dir)
        var g = grade(policy, name: loss, progress: quiet ? nil : ProgressBar("grading \(label)", total: items.count))
        let sampled = PolicyEvaluation.sample(policy: policy, reference: reference, template: template, items: items,
                                              maxNewTokens: settings.maxNewTokens, seed: ctx.seed)
        (g.report.kl, g.report.sampled) = (sampled.kl, sampled.summary)
        g.report.winRate = PolicyEvaluation.winRate(g.grades, against: sft.grades)
        try writeJSON(["sft": sft.report, loss: g.report], to: dir.appendingPathComponent("report.json"))
        try DPOPlots.single(dir: dir, metrics: metrics, sft: sft.report, policy: g.report)
        try DPOReporting.samples(items, sft: sft, policy: g, name: label, to: dir.appendingPathComponent("samples.md"))
        return (g.report, policy, metrics)
    }
}
