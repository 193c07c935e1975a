import Autograd
import BookKit
import Core
import Evaluation
import Foundation
import Plot
import SFT
import SupportDesk
import Transformer

/// Chapter 9: every model the course produced, measured on the same held-out prompts, and
/// the run report (runs/report.md, runs/report.html) with the history of earlier runs.
enum EvaluationRun {
    struct Settings: Codable {
        var prompts: Int
        var adversarial: Int
        var passAtKPrompts: Int
        var passAtKSamples: Int
        var klPrompts: Int
        /// Longest generated reply, in tokens: part of the fingerprint, so a new limit re-runs.
        var replyTokens = ReplyEvaluator.replyTokenLimit
    }

    static func settings(_ ctx: RunContext) -> Settings {
        ctx.preset == .quick
            ? Settings(prompts: 6, adversarial: 4, passAtKPrompts: 2, passAtKSamples: 2, klPrompts: 2)
            : Settings(prompts: 60, adversarial: 32, passAtKPrompts: 20, passAtKSamples: 5, klPrompts: 20)
    }

    /// A model to compare: its name, a one-line description, and how to load it (building it
    /// first when missing).
    struct Candidate {
        let name: String
        let about: String
        let load: (RunContext) throws -> (GPT, ChatTemplate)

        /// A model saved as a folder (config.json, model.safetensors, tokenizer files).
        init(name: String, about: String, folder: @escaping (RunContext) throws -> URL) {
            self.init(name: name, about: about, load: { try SFTRun.loadModel(folder($0)) })
        }

        init(name: String, about: String, load: @escaping (RunContext) throws -> (GPT, ChatTemplate)) {
            (self.name, self.about, self.load) = (name, about, load)
        }
    }

    static var candidates: [Candidate] { [
        Candidate(name: "base", about: "the pretrained model, no fine-tuning (Chapter 2)", folder: TransformerRun.ensure),
        Candidate(name: "sft", about: "supervised fine-tuning, all weights (Chapter 3)", folder: SFTRun.ensure),
    ] + EvaluationRun.laterCandidates }

    static func run(_ ctx: RunContext) throws {
        let s = settings(ctx)
        let dir = try ctx.directory("evaluation")
        if StageMarker.skip(dir, ctx, settings: s) { return }
        StageMarker.clear(dir)
        let start = Date()
        let data = Dataset.generate(seed: ctx.seed, lang: .en, size: ctx.preset == .quick ? .small : .default)
        let items = Array(data.eval.prefix(s.prompts))
        let adversarial = Array(data.adversarial.prefix(s.adversarial))

        // Contamination: no held-out prompt may appear in any training text.
        let training = data.corpus + data.sft.map { $0.messages.map(\.content).joined(separator: "\n") }
            + data.preferences.map { $0.prompt.map(\.content).joined(separator: "\n") }
        let check = ContaminationCheck(training: training, n: 30)
        let contaminated = data.eval.filter { check.isContaminated($0.prompt.map(\.content).joined(separator: "\n")) }.count

        var results: [ModelMeasurements] = []
        var sftModel: GPT?
        for c in candidates {
            let (model, template) = try c.load(ctx)
            let m = ModelUnderTest(name: c.name, model: model, template: template)
            var r = ModelMeasurements(name: c.name)
            ModelEvaluation.grade(m, items: items, into: &r, progress: ProgressBar("evaluate \(c.name)", total: items.count))
            r.perplexity = ModelEvaluation.perplexity(m, items: items)
            r.safety = ModelEvaluation.safety(m, items: adversarial)
            if c.name == "sft" {
                sftModel = model
                r.passAtK = ModelEvaluation.passAtK(m, items: Array(items.prefix(s.passAtKPrompts)), n: s.passAtKSamples,
                                                    ks: [1, s.passAtKSamples])
            }
            if let ref = sftModel, c.name != "sft" {
                r.klToSFT = ModelEvaluation.klToReference(m, reference: ref, items: Array(items.prefix(s.klPrompts)))
            } else if c.name == "sft" { r.klToSFT = 0 }
            results.append(r)
        }
        let judge = try rewardJudge(ctx)
        let report = Report(results: results, items: items, candidates: candidates, contaminated: contaminated,
                            evalSize: data.eval.count, judge: judge, preset: ctx.preset, seed: ctx.seed,
                            minutes: Date().timeIntervalSince(start) / 60)
        try report.write(runs: ctx.runs, dir: dir)
        try StageMarker.markDone(dir, ctx, settings: s)
        print(report.summary)
        print("wrote \(ctx.runs.appendingPathComponent("report.md").path) and report.html")
    }
}
