import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// `course run dpo-controls`: DPO (sigmoid, β 0.1) on a pair set, and the controls that say why it
/// does what it does, each trained from the same SFT model on the same pairs with the same steps,
/// batch and learning rate:
/// - **sft-same-budget**: the SFT loss on the chosen replies only. If it does as well, the pairs'
///   rejected replies taught nothing; the preference is in the contrast, not in the good replies.
/// - **frozen-embeddings**: DPO with the token embedding frozen. GPT-2 ties it to the output
///   layer, so lowering a wrong number's output logit also moves the row the model reads that
///   number with in the facts block.
/// - **beta-sweep**: β 0.3 and 1 besides 0.1. A larger β ties the policy closer to the SFT model.
/// - **rpo**: DPO plus the SFT loss on the chosen replies (α 1), which keeps them likely.
/// - **dpop**: DPOP (λ 50), which penalises a chosen reply that falls below the reference.
/// - **variants** (not in the default set): IPO, hinge, robust DPO, SimPO, ORPO, RPO and KTO
///   measured the same way, so chapter 8's comparison of the losses has test prompts, the strict
///   grader and seeds behind it (`course run dpo --loss all` compares them on dev prompts).
///
/// Every model writes greedy replies to the test prompts (test-replies.json) and is measured at
/// each fact slot (slots.json, slots.png); `course` writes results.md from those files, over one
/// seed or several. Each model's folder holds its training curves, its dev-prompt report and model/.
public enum DPOControlsRun {
    public enum Control: String, Codable, CaseIterable, Sendable {
        case sftSameBudget = "sft-same-budget", frozenEmbeddings = "frozen-embeddings", betaSweep = "beta-sweep", rpo, dpop, variants
        /// What `course run dpo-controls` trains without `--control`: the controls, not the variants.
        public static let standard: [Control] = [.sftSameBudget, .frozenEmbeddings, .betaSweep, .rpo, .dpop]
    }

    /// The losses `--control variants` trains besides DPO, with what each changes.
    static let variantArms: [(DPOVariant, String)] = [
        (.ipo, "IPO: squared distance of the margin from 1/(2β)"), (.hinge, "hinge: no push once the margin passes 1/β"),
        (.robust, "robust DPO: labels flipped with probability 0.1"), (.simpo, "SimPO: length-normalised, no reference"),
        (.orpo, "ORPO: SFT loss plus an odds-ratio term, no reference"), (.rpo, "DPO plus the SFT loss on the chosen replies (α 1)"),
        (.kto, "KTO: the pairs' replies unpaired, labelled good or bad"),
    ]

    /// One trained model of the study.
    public struct Arm: Codable, Sendable {
        public var name: String
        public var about: String
        public var settings: DPORun.Settings
    }

    public struct Settings: Codable, Sendable {
        public var arms: [Arm]
        /// Test prompts every model replies to, and how many of them the slot view reads.
        public var testPrompts: Int
        public var slotPrompts: Int
        public var grading = "greedy replies to the test prompts, judged by DPOControlsRun.grade (the strict grader; the rule grader's findings for the flaws)"
    }

    /// The models `controls` train: DPO first, then each control's.
    public static func settings(_ preset: Preset, seed: UInt64, controls: [Control], _ o: DPORun.Options) -> Settings {
        func arm(_ name: String, _ about: String, variant: DPOVariant = .sigmoid, _ change: (inout DPORun.Settings) -> Void = { _ in }) -> Arm {
            var s = DPORun.settings(preset, seed: seed, variant: variant, o)
            s.evalPrompts = preset == .quick ? s.evalPrompts : 60   // dev prompts: a training-time check; the test measures
            change(&s)
            return Arm(name: name, about: about, settings: s)
        }
        var arms = [arm("dpo", "DPO, sigmoid loss, β 0.1")]
        for c in controls {
            switch c {
            case .sftSameBudget: arms.append(arm("sft-same-budget", "SFT loss on the chosen replies, DPO's steps and learning rate") { $0.lossSettings.sftOnly = true })
            case .frozenEmbeddings: arms.append(arm("frozen-embeddings", "DPO with the token embedding (tied output layer) frozen") { $0.frozenEmbeddings = true })
            case .betaSweep:
                arms.append(arm("beta-0.3", "DPO, β 0.3") { $0.lossSettings.beta = 0.3 })
                arms.append(arm("beta-1", "DPO, β 1") { $0.lossSettings.beta = 1 })
            case .rpo: arms.append(arm("rpo", "DPO plus the SFT loss on the chosen replies (α 1)", variant: .rpo))
            case .dpop: arms.append(arm("dpop", "DPOP: DPO minus λ·max(0, log π_ref(c) − log π(c)), λ 50") { $0.lossSettings.dpopLambda = 50 })
            case .variants:
                for (v, about) in variantArms where !arms.contains(where: { $0.name == v.rawValue }) {
                    // KTO reads the built-in replies one at a time: no pair set, no slot errors.
                    arms.append(arm(v.rawValue, about, variant: v) { if v == .kto { $0.pairs = nil; $0.slotErrors = nil; $0.editedTokens = nil } })
                }
            }
        }
        return Settings(arms: arms, testPrompts: preset == .quick ? 6 : 600, slotPrompts: preset == .quick ? 4 : 240)
    }

    /// dpo/controls, with `-<control>` for one control, `-pairs-<set>` for a pair set other than
    /// `all`, and `-edited` for the loss on edited tokens.
    public static func folder(controls: [Control], pairs: PairSet, editedTokens: Bool) -> String {
        "dpo/controls" + (controls.count == 1 ? "-" + controls[0].rawValue : "") + (pairs == .all ? "" : "-pairs-" + pairs.rawValue)
            + (editedTokens ? "-edited" : "")
    }

    /// A test reply judged twice: by the strict grader (the score, the pass and the win rate: a
    /// judge no method trains on) and by the rule grader (whose findings define the five flaws
    /// of the preference data).
    public struct Judged: Sendable {
        public var strict: StrictGrade
        public var rule: Grade
    }

    // MARK: book control-grade
    /// The one place a test reply is judged: every table of the controls' results.md comes from
    /// this function's grades of the recorded replies, so another judge takes its place here and
    /// the tables are written again from the same replies.
    public static func grade(_ reply: String, _ item: EvalItem) -> Judged {
        Judged(strict: StrictGrader().grade(reply: reply, truth: item.truth, prompt: item.prompt),
               rule: Grader().grade(reply: reply, truth: item.truth))
    }
    // MARK: end

    /// The recorded greedy test replies of every model (test-replies.json).
    public struct TestReplies: Codable, Sendable {
        public struct Model: Codable, Sendable {
            public var name: String
            public var about: String
            public var replies: [String]
            public var finished: [Bool]
        }
        /// The test prompts' ids, in order (the report finds their truths in the built-in data).
        public var items: [String]
        public var models: [Model]
    }

    /// One model's measurements, kept in its folder (measured.json).
    struct Measured: Codable {
        var settings: DPORun.Settings
        var replies: TestReplies.Model
        var dev: PolicyReport
        var slots: [SlotChange.Row]
    }

    static func same(_ a: DPORun.Settings, _ b: DPORun.Settings) -> Bool {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return (try? enc.encode(a)) == (try? enc.encode(b))
    }

    public static func run(_ spec: RunSpec, settings c: Settings, sft: URL) throws {
        let dir = spec.dir
        let base = c.arms[0].settings
        let data = try Inputs.load(dataFile: nil, spec: spec, preset: base.data, unpaired: false)
        try writeJSON(c, to: dir.appendingPathComponent("config.json"))
        let world = try DPOSetup(spec, sft: sft, data, base, variants: c.arms.map(\.settings.loss))
        if let summary = world.pairSummary { try writeJSON(summary, to: dir.appendingPathComponent("pairs.json")) }
        let sftDev = world.gradeSFT(progress: ProgressBar("grading SFT (dev)", total: world.items.count))
        let test = Array(data.test.prefix(c.testPrompts))
        let slotItems = Array(test.prefix(c.slotPrompts))

        var recorded = TestReplies(items: test.map(\.id), models: [])
        func reply(_ model: GPT, _ name: String, _ about: String) {
            let g = PolicyEvaluation.grade(model, template: world.template, items: test, maxNewTokens: base.maxNewTokens,
                                           progress: ProgressBar("\(name): test replies", total: test.count))
            recorded.models.append(.init(name: name, about: about, replies: g.replies, finished: g.finished))
        }
        reply(world.reference, "sft", "the SFT model (the reference)")
        var slots = SlotChange.measure([("sft", world.reference)], world.template, items: slotItems)
        var dev = [sftDev.report]
        for arm in c.arms {
            let sub = try spec.sub(arm.name).dir
            let done = sub.appendingPathComponent("measured.json")
            if spec.resume, let m = try? readJSON(Measured.self, from: done.path), same(m.settings, arm.settings), m.replies.replies.count == test.count {
                print("\(arm.name): measured by the interrupted run, kept (--resume)")
                (recorded.models, dev, slots) = (recorded.models + [m.replies], dev + [m.dev], slots + m.slots)
                continue
            }
            try writeJSON(arm.settings, to: sub.appendingPathComponent("config.json"))
            let trained = try world.train(arm.settings, label: arm.name, dir: sub, sft: sftDev)
            let policy = trained.policy
            var report = trained.report
            report.name = arm.name
            dev.append(report)
            print(DPOReporting.line(report))
            try SFTRun.saveModel(policy, world.template, to: sub.appendingPathComponent("model"))
            try? FileManager.default.removeItem(at: sub.appendingPathComponent("checkpoints"))   // the model is saved
            reply(policy, arm.name, arm.about)
            let mine = SlotChange.measure([(arm.name, policy)], world.template, items: slotItems)
            slots += mine
            // Kept per model, so `--resume` after an interruption trains only the models not yet measured.
            try writeJSON(Measured(settings: arm.settings, replies: recorded.models.last!, dev: report, slots: mine), to: done)
        }
        try writeJSON(recorded, to: dir.appendingPathComponent("test-replies.json"))
        try writeJSON(dev, to: dir.appendingPathComponent("dev.json"))
        try SlotChange.write(slots, dir: dir, title: "\(slotItems.count) test prompts")
        print(SlotChange.table(slots))
    }
}
