import Autograd
import Core
import Foundation
import LoRA
import Plot
import SFT
import SupportDesk
import Transformer

/// Chapter 8's run (`course run dpo [--loss V] [--lora] [--flaws cold_tone,...]`): DPO or one
/// of its relatives, trained from the SFT model on SupportDesk preferences. Writes
/// config.json, metrics.csv, report.json, loss.png, rewards.png, grader.png, flaws.png,
/// samples.md, model/; `DPOCompareRun` trains every variant from the same SFT model.
public enum DPORun {
    /// How a run differs from the default: LoRA adapters instead of every weight, only the
    /// pairs of some flaws, the learner's own data file, and whether the chain runs it (the
    /// evaluation chapter grades the chain's model again, so the stage grades fewer prompts).
    public struct Options: Sendable {
        public var lora = false
        public var flaws: [Flaw]? = nil
        public var dataFile: String? = nil
        public var inChain = false
        /// `--pairs`: the pair set (nil or builtin: the data set's pairs, as the chain trains).
        public var pairs: PairSet? = nil
        /// `--edited-tokens`: mirror and on-policy pairs are scored only where their replies differ.
        public var editedTokens = false
        public init(lora: Bool = false, flaws: [Flaw]? = nil, dataFile: String? = nil, inChain: Bool = false,
                    pairs: PairSet? = nil, editedTokens: Bool = false) {
            (self.lora, self.flaws, self.dataFile, self.inChain) = (lora, flaws, dataFile, inChain)
            (self.pairs, self.editedTokens) = (pairs == .builtin ? nil : pairs, editedTokens)
        }
    }

    public struct Settings: Codable, Sendable {
        var data: SizePreset
        public var loss: DPOVariant
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
        var flaws: [Flaw]? = nil
        // The settings below are nil unless asked for, so a default run's fingerprint (and the
        // chain's) is what it was before they existed.
        /// `--pairs`: the pair set (nil: the built-in pairs).
        public var pairs: PairSet? = nil
        /// `--edited-tokens`: mirror and on-policy pairs scored on their differing tokens only.
        public var editedTokens: Bool? = nil
        /// How on-policy slot-error pairs are read from the SFT model (with `--pairs onpolicy|all`).
        public var slotErrors: SlotErrorPairs.Settings? = nil
        /// The token embedding (tied to the output layer) kept frozen: a control of
        /// `course run dpo-controls`.
        public var frozenEmbeddings: Bool? = nil
    }

    public static func settings(_ preset: Preset, seed: UInt64, variant: DPOVariant, _ o: Options) -> Settings {
        var s = baseSettings(preset, seed: seed, variant: variant, o)
        s.pairs = o.pairs
        s.editedTokens = o.editedTokens ? true : nil
        if o.pairs?.usesSlotErrors == true {
            // Every training prompt of the preference data (1,080), the greedy reply and up to
            // three samples each; no date in more than 3 pairs.
            s.slotErrors = preset == .quick ? .init(prompts: 6, samples: 1, maxPerDate: 2) : .init(prompts: 1080, samples: 3, maxPerDate: 3)
        }
        return s
    }

    static func baseSettings(_ preset: Preset, seed: UInt64, variant: DPOVariant, _ o: Options) -> Settings {
        let ls = variant.lossSettings
        switch preset {
        case .quick:
            return Settings(data: .small, loss: variant, lossSettings: ls, kto: .init(),
                            train: .init(steps: 6, pairsPerBatch: 2, learningRate: 1e-4, warmupSteps: 1, evalEvery: 3, seed: seed),
                            lora: o.lora ? DPOAdapters.config : nil, evalPrompts: 4, maxNewTokens: 40,
                            selfPrompts: 6, selfSamples: 2, mendPrompts: 6, dataFile: o.dataFile, flaws: o.flaws)
        case .default:
            return Settings(data: .default, loss: variant, lossSettings: ls, kto: .init(),
                            train: .init(steps: 150, pairsPerBatch: 8, learningRate: o.lora ? 1e-4 : 1e-5, warmupSteps: 10,
                                         evalEvery: 50, seed: seed),
                            lora: o.lora ? DPOAdapters.config : nil, evalPrompts: o.inChain ? 60 : 240,
                            maxNewTokens: ReplyEvaluator.replyTokenLimit,
                            selfPrompts: 600, selfSamples: 4, mendPrompts: 1080, dataFile: o.dataFile, flaws: o.flaws)
        }
    }

    /// The run's folder under runs/: dpo/<loss>, with `-<flaws>`, `-pairs-<set>`, `-edited` and
    /// `-lora` appended.
    public static func folder(_ variant: DPOVariant, _ o: Options) -> String {
        "dpo/" + variant.rawValue + (o.flaws.map { "-" + $0.map(\.rawValue).joined(separator: "+") } ?? "")
            + (o.pairs.map { "-pairs-" + $0.rawValue } ?? "") + (o.editedTokens ? "-edited" : "") + (o.lora ? "-lora" : "")
    }

    /// Checks what can be checked before any work: the learner's data file and the options.
    public static func check(_ variant: DPOVariant, _ o: Options) throws {
        if o.flaws != nil { try checkFlaws(variant, dataFile: o.dataFile) }
        try checkPairs(variant, o)
        if !variant.takesDataFile, o.dataFile != nil {
            throw CourseError("--loss \(variant.rawValue) makes pairs from the SFT model's replies to the built-in prompts; it takes no --data file")
        }
        if let f = o.dataFile { _ = variant == .kto ? try UnpairedPreference.load(path: f).count : try PreferenceData.load(path: f).count }
    }

    /// Trains `settings.loss` from the SFT model in `sft` (a model folder).
    public static func run(_ spec: RunSpec, settings s: Settings, sft: URL) throws {
        let dir = spec.dir
        let variant = s.loss
        let data = try Inputs.load(dataFile: s.dataFile, spec: spec, preset: s.data, unpaired: variant == .kto)
        try writeJSON(s, to: dir.appendingPathComponent("config.json"))
        let world = try DPOSetup(spec, sft: sft, data, s, variants: [variant])
        if let summary = world.pairSummary { try writeJSON(summary, to: dir.appendingPathComponent("pairs.json")) }
        let sftGrades = world.gradeSFT(progress: ProgressBar("grading SFT", total: world.items.count))
        let (report, policy, _) = try world.train(s, label: dir.lastPathComponent, dir: dir, sft: sftGrades)
        try SFTRun.saveModel(policy, world.template, to: dir.appendingPathComponent("model"))
        if s.pairs != nil {
            // What the pairs did at each fact slot, on the dev prompts' reference replies.
            let rows = SlotChange.measure([("sft", world.reference), (variant.rawValue, policy)], world.template, items: world.items)
            try SlotChange.write(rows, dir: dir, title: "dev prompts")
            print(SlotChange.table(rows))
        }
        print(DPOReporting.line(sftGrades.report))
        print(DPOReporting.line(report))
        print("wrote \(dir.path)/")
    }
}

extension DPORun {
    /// `--flaws` picks built-in pairs, for the losses trained on them (not kto, self or mended).
    static func checkFlaws(_ variant: DPOVariant, dataFile: String?) throws {
        if dataFile != nil { throw CourseError("--flaws picks built-in pairs by their flaw; it takes no --data file") }
        guard variant.pairs == .offline else {
            throw CourseError("--flaws applies to the losses trained on the built-in pairs, not to --loss \(variant.rawValue)")
        }
    }

    /// `--pairs` builds pairs from the built-in world and the SFT model, for the losses trained
    /// on offline pairs; `--edited-tokens` needs pairs whose replies differ only at a value.
    static func checkPairs(_ variant: DPOVariant, _ o: Options) throws {
        if o.editedTokens && !(o.pairs.map { $0 != .builtin } ?? false) {
            throw CourseError("--edited-tokens scores mirror and on-policy pairs on the tokens where their replies differ; add --pairs mirror, onpolicy or all")
        }
        guard let p = o.pairs, p != .builtin else { return }
        if o.dataFile != nil { throw CourseError("--pairs \(p.rawValue) builds pairs from the built-in world; it takes no --data file") }
        if o.flaws != nil { throw CourseError("--flaws picks built-in pairs by their flaw; it does not combine with --pairs \(p.rawValue)") }
        guard variant.pairs == .offline else {
            throw CourseError("--pairs applies to the losses trained on preference pairs, not to --loss \(variant.rawValue)")
        }
    }

    // MARK: book pairs-by-flaw
    /// The training pairs whose rejected reply shows one of `flaws` (all of them when nil): to
    /// see what each kind of pair does to the policy on its own.
    public static func pairs(_ pairs: [PreferenceExample], flaws: [Flaw]?) -> [PreferenceExample] {
        guard let flaws else { return pairs }
        let names = flaws.map(\.rawValue)
        return pairs.filter { $0.flaw.map(names.contains) ?? false }
    }
    // MARK: end
}

/// The data a DPO run reads: the learner's file (checked before any work) or the built-in set.
struct Inputs {
    var pairs: [PreferenceExample]
    var unpaired: [UnpairedPreference]
    var items: [EvalItem]
    /// The test prompts (read only by a report: `DPOControlsRun`).
    var test: [EvalItem] = []
    /// Preference pairs on the test prompts (built-in data only): the implicit reward's
    /// accuracy on them is reported, never trained on.
    var testPairs: [PreferenceExample] = []
    /// Training prompts with their facts, for self-generated pairs (the training split of the
    /// preference prompts).
    var prompts: [(prompt: [Message], truth: Truth)]

    static func load(dataFile: String?, spec: RunSpec, preset: SizePreset, unpaired: Bool) throws -> Inputs {
        let own = try dataFile.map { path -> Either in
            unpaired ? .unpaired(try UnpairedPreference.load(path: path)) : .pairs(try PreferenceData.load(path: path))
        }
        let data = spec.builtInData(preset)
        var inputs = Inputs(pairs: PreferenceExample.builtIn(data), unpaired: data.unpaired.map(UnpairedPreference.init),
                            items: data.dev, test: data.test, testPairs: data.testPairs.map(PreferenceExample.init),
                            prompts: PreferenceData.split(data.preferences).train.map { ($0.prompt, $0.truth) })
        switch own {
        case .pairs(let p): (inputs.pairs, inputs.testPairs) = (p, [])
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
    let spec: RunSpec
    let settings: DPORun.Settings
    let sftDir: URL
    let reference: GPT
    let template: ChatTemplate
    let pad: Int
    let train: [PreparedPair]
    let heldOut: [PreparedPair]
    /// Pairs on the test prompts, with reference log-probs (empty with the learner's own data).
    let testPairs: [PreparedPair]
    let unpaired: [PreparedUnpaired]
    let items: [EvalItem]

    let selfPairs: [PreparedPair]
    let mendedPairs: [PreparedPair]
    /// With `--pairs`: what the pair set holds.
    let pairSummary: PairSetSummary?

    /// Prepares what `variants` train on: the offline pairs (with reference log-probs when a
    /// loss needs them), KTO's replies, self-generated pairs, mended pairs. Held-out pairs
    /// always get reference log-probs.
    init(_ spec: RunSpec, sft: URL, _ data: Inputs, _ s: DPORun.Settings, variants: [DPOVariant]) throws {
        let pairs = variants.contains { $0 != .kto }
        let needsReference = variants.contains { $0.pairLoss?.needsReference ?? false }
        let (unpaired, selfPairs, correctionPairs) = (variants.contains(.kto), variants.contains(.self), variants.contains(.mended))
        self.spec = spec
        settings = s
        sftDir = sft
        let (reference, template) = try SFTRun.loadModel(sftDir)
        (self.reference, self.template) = (reference, template)
        let pad = template.tokenizer.id(ofSpecial: "<|pad|>") ?? template.end
        self.pad = pad
        let context = reference.config.contextLength
        let (allTrain, heldPairs) = PreferenceData.split(data.pairs)
        var trainPairs = DPORun.pairs(allTrain, flaws: s.flaws)
        if let flaws = s.flaws { print("--flaws \(flaws.map(\.rawValue).joined(separator: ",")): \(trainPairs.count) of \(allTrain.count) training pairs") }
        // --pairs: mirror couples from the world's training orders, slot errors from the SFT model.
        var designed: [PreferenceExample] = []
        var summary: PairSetSummary? = nil
        if let set = s.pairs, pairs {
            var stats: SlotErrorPairs.Stats? = nil
            let built = set.assemble(builtIn: trainPairs, mirrors: { MirrorPairs.generate(world: spec.builtInWorld(s.data)) }, slotErrors: {
                let r = SlotErrorPairs.build(reference, template: template, prompts: data.prompts, settings: s.slotErrors!,
                                             maxNewTokens: s.maxNewTokens, seed: spec.seed,
                                             progress: ProgressBar("reading SFT replies for slot errors",
                                                                   total: min(s.slotErrors!.prompts, data.prompts.count)))
                stats = r.stats
                return r.pairs
            })
            (trainPairs, designed) = built
            var sum = PairSetSummary(pairs: set, editedTokensOnly: s.editedTokens == true)
            for p in trainPairs { sum.builtIn[p.flaw ?? "unnamed", default: 0] += 1 }
            sum.onPolicy = stats?.pairs ?? 0
            sum.mirror = designed.count - sum.onPolicy
            sum.slotErrors = stats
            print("--pairs \(set.rawValue): \(trainPairs.count) built-in, \(sum.mirror) mirror, \(sum.onPolicy) on-policy slot-error pairs"
                  + (stats.map { " (from \($0.replies) replies to \($0.prompts) prompts: \($0.mendable) with a value to mend, \($0.capped) left out by the date cap)" } ?? ""))
            summary = sum
        }
        pairSummary = summary
        print("computing the reference (SFT) model's log-probs once...")
        let (tr, d1) = ReferenceLogProbs.prepare(pairs ? trainPairs : [], template: template,
                                                 reference: needsReference ? reference : nil, context: context, pad: pad)
        let (trD, d1b) = ReferenceLogProbs.prepare(pairs ? designed : [], template: template, reference: needsReference ? reference : nil,
                                                   context: context, pad: pad, editedOnly: s.editedTokens == true)
        let (ho, d2) = ReferenceLogProbs.prepare(heldPairs, template: template, reference: reference, context: context, pad: pad)
        (train, heldOut) = (tr + trD, ho)
        testPairs = pairs ? ReferenceLogProbs.prepare(data.testPairs, template: template, reference: reference, context: context, pad: pad).pairs : []
        if needsReference { DPOReporting.referenceGaps(tr + trD) }
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
                                                     minGap: spec.quick ? 0 : 0.05, maxNewTokens: s.maxNewTokens, seed: spec.seed,
                                                     requireFinished: !spec.quick,
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
        print("pairs: \(train.count) training, \(heldOut.count) held out (\(d1 + d1b + d2) longer than the context dropped)")
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
                                                   maxNewTokens: settings.maxNewTokens, seed: spec.seed).summary
        return g
    }

    /// A fresh policy (a copy of the SFT model), trained with `loss`, then graded against SFT.
    func train(_ s: DPORun.Settings, label: String, dir: URL, sft: Graded, quiet: Bool = false) throws
        -> (report: PolicyReport, policy: GPT, metrics: MetricsWriter) {
        let variant = s.loss
        let (policy, _) = try SFTRun.loadModel(sftDir)
        let trainable = try DPOAdapters.trainableParameters(policy, lora: s.lora, seed: spec.seed, frozenEmbeddings: s.frozenEmbeddings == true)
        let metrics = MetricsWriter(url: dir.appendingPathComponent("metrics.csv"), columns: PreferenceTraining.metricColumns)
        var pairAccuracy: (heldOut: Double?, test: Double?) = (nil, nil)
        switch variant.pairs {
        case .unpaired:
            let t = try KTOTrainer(model: policy, kto: s.kto, train: unpaired, heldOut: heldOut, settings: s.train,
                                   pad: pad, parameters: trainable)
            metrics.log(["step": 0].merging(t.evaluate().row(prefix: "eval_")) { $1 })
            try t.run(metrics: metrics, label: label, quiet: quiet)
        case .offline, .selfGenerated, .offlineAndMended:
            let pairs = variant.pairs == .selfGenerated ? selfPairs : variant.pairs == .offlineAndMended ? train + mendedPairs : train
            let t = try DPOTrainer(model: policy, loss: variant.pairLoss ?? .sigmoid, lossSettings: s.lossSettings,
                                   train: pairs, heldOut: heldOut, settings: s.train, pad: pad, parameters: trainable)
            // Full fine-tuning is checkpointed and resumable; LoRA runs are short and restart, and
            // so do runs with frozen embeddings (a checkpoint holds every weight's moments).
            let checkpoints = s.lora == nil && s.frozenEmbeddings != true ? dir.appendingPathComponent("checkpoints") : nil
            if spec.resume, let checkpoints, try t.resume(from: checkpoints) {
                print("resumed from step \(t.trainer.step)")
                metrics.restore(upToStep: t.trainer.step)
            } else {
                if let checkpoints { try? FileManager.default.removeItem(at: checkpoints) }
                let e = t.evaluate()
                metrics.log(["step": 0, "eval_loss": e.loss].merging(e.stats.row(prefix: "eval_")) { $1 })
            }
            try t.run(metrics: metrics, label: label, quiet: quiet, checkpoints: checkpoints)
            pairAccuracy = (t.evaluate().stats.accuracy, testPairs.isEmpty ? nil : t.evaluate(testPairs).stats.accuracy)
        }
        try DPOAdapters.finish(policy, lora: s.lora, dir: dir)
        var g = grade(policy, name: variant.rawValue, progress: quiet ? nil : ProgressBar("grading \(label)", total: items.count))
        (g.report.heldOutPairAccuracy, g.report.testPairAccuracy) = pairAccuracy
        g.report.testPairs = pairAccuracy.test == nil ? nil : testPairs.count
        let sampled = PolicyEvaluation.sample(policy: policy, reference: reference, template: template, items: items,
                                              maxNewTokens: settings.maxNewTokens, seed: spec.seed)
        (g.report.kl, g.report.sampled) = (sampled.kl, sampled.summary)
        g.report.winRate = PolicyEvaluation.winRate(g.grades, against: sft.grades)
        try writeJSON(["sft": sft.report, variant.rawValue: g.report], to: dir.appendingPathComponent("report.json"))
        try DPOFigures.single(dir: dir, metrics: metrics, sft: sft.report, policy: g.report)
        try DPOReporting.samples(items, sft: sft, policy: g, name: label, to: dir.appendingPathComponent("samples.md"))
        return (g.report, policy, metrics)
    }
}
