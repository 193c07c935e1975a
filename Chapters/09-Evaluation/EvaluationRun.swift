import Autograd
import Core
import Foundation
import LoRA
import QLoRA
import SFT
import SupportDesk
import Transformer

/// Chapter 9's run (`course run evaluation`): every model the course produced, measured the same
/// way on the same held-out prompts: grader scores, perplexity, safety on adversarial prompts,
/// pass@k of the SFT model, KL to the SFT model, and a contamination check of the prompts.
public enum EvaluationRun {
    public struct Settings: Codable, Sendable {
        var prompts: Int
        var adversarial: Int
        var passAtKPrompts: Int
        var passAtKSamples: Int
        var klPrompts: Int
        /// Longest generated reply, in tokens: part of the fingerprint, so a new limit re-runs.
        var replyTokens = ReplyEvaluator.replyTokenLimit
    }

    public static func settings(_ preset: Preset) -> Settings {
        // Every test prompt and every held-out adversarial prompt of the default data: 600 and
        // 96, so an interval over prompts is about ±0.02 on a score, ±4 points on a rate.
        preset == .quick
            ? Settings(prompts: 6, adversarial: 4, passAtKPrompts: 2, passAtKSamples: 2, klPrompts: 2)
            : Settings(prompts: 600, adversarial: 96, passAtKPrompts: 20, passAtKSamples: 5, klPrompts: 20)
    }

    /// A model to compare: its name, a one-line description, and how to load it.
    public struct Candidate {
        public let name: String
        public let about: String
        public let load: () throws -> (GPT, ChatTemplate)
        /// The training signal the model was tuned against ("reward model", "verifiable reward:
        /// structure, facts", ...): the report names it beside every judge that shares it.
        public var signal = ""

        public init(name: String, about: String, load: @escaping () throws -> (GPT, ChatTemplate)) {
            (self.name, self.about, self.load) = (name, about, load)
        }

        /// A model saved as a folder (config.json, model.safetensors, tokenizer files).
        public init(name: String, about: String, folder: URL) {
            self.init(name: name, about: about, load: { try SFTRun.loadModel(folder) })
        }

        /// The pretrained model in `base` with a saved LoRA adapter loaded and merged into its
        /// weights. With `fourBitBase` every linear weight is first rounded through NF4
        /// (double-quantised), the base a QLoRA adapter was trained on: the merged model
        /// computes what the QLoRA model does.
        public init(name: String, about: String, base: URL, adapter: URL, fourBitBase: Bool = false) {
            self.init(name: name, about: about, load: {
                let (model, template) = try SFTRun.loadModel(base)
                if fourBitBase {
                    for (_, layer) in model.linearLayers {
                        layer.weight = Variable(NF4Tensor(layer.weight.value, doubleQuantization: true).dequantized(), requiresGrad: false)
                    }
                }
                try LoRA.load(into: model, from: adapter)
                LoRA.merge(model)
                return (model, template)
            })
        }
    }

    /// What the run measured, for the report.
    public struct Outcome {
        public var results: [ModelMeasurements]
        public var items: [EvalItem]
        /// Held-out prompts that share a 30-token span with a training text (should be 0).
        public var contaminated: Int
        public var evalSize: Int
        public var minutes: Double
    }

    /// Measures every candidate on the test prompts (never read by training or by any choice
    /// of a setting). The candidates are independent models, so they are measured two at a time
    /// on two cores; each measurement is the same as measured alone, bit for bit.
    public static func run(_ spec: RunSpec, settings s: Settings, candidates: [Candidate]) throws -> Outcome {
        let start = Date()
        let data = spec.builtInData(spec.quick ? .small : .default)
        let items = Array(data.test.prefix(s.prompts))
        let adversarial = Array(data.adversarial.prefix(s.adversarial))

        // Contamination: no test prompt may appear in any training text.
        let training = data.corpus + data.sft.map { $0.messages.map(\.content).joined(separator: "\n") }
            + data.preferences.map { $0.prompt.map(\.content).joined(separator: "\n") }
        let prompts = data.test.map { $0.prompt.map(\.content).joined(separator: "\n") }
        let contaminated = ContaminationCheck.contaminated(training: training, eval: prompts, n: 30).count

        let progress = SharedProgress(ProgressBar("evaluate \(candidates.count) models", total: candidates.count * (items.count + adversarial.count)))
        let sft = candidates.first { $0.name == "sft" }
        let results = try Parallel.map(candidates.count) { i -> ModelMeasurements in
            let c = candidates[i]
            let (model, template) = try c.load()
            let m = ModelUnderTest(name: c.name, model: model, template: template)
            var r = ModelMeasurements(name: c.name)
            ModelEvaluation.grade(m, items: items, into: &r, tick: progress.tick)
            r.perplexity = ModelEvaluation.perplexity(m, items: items)
            (r.safety, r.safetyReplies, r.safetyFindings) = ModelEvaluation.safety(m, items: adversarial, tick: progress.tick)
            r.safetyKinds = adversarial.map(\.kind)
            r.overRefusal = ModelEvaluation.overRefusal(replies: r.replies, items: items)
            if c.name == "sft" {
                r.passAtK = ModelEvaluation.passAtK(m, items: Array(items.prefix(s.passAtKPrompts)), n: s.passAtKSamples,
                                                    ks: [1, s.passAtKSamples])
                r.klToSFT = 0
            } else if let sft {
                r.klToSFT = ModelEvaluation.klToReference(m, reference: try sft.load().0, items: Array(items.prefix(s.klPrompts)))
            }
            return r
        }
        try writeJSON(results, to: spec.file("measurements.json"))
        return Outcome(results: results, items: items, contaminated: contaminated, evalSize: data.test.count,
                       minutes: Date().timeIntervalSince(start) / 60)
    }
}

/// One progress bar advanced from several threads.
final class SharedProgress: @unchecked Sendable {
    private let bar: ProgressBar
    private let lock = NSLock()
    private var done = 0
    init(_ bar: ProgressBar) { self.bar = bar }
    func tick() { lock.withLock { done += 1; bar.update(done) } }
}
