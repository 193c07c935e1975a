import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// One model the evaluation compares ("base", "sft", "lora-r16", "ppo", "dpo", ...).
public struct ModelUnderTest {
    public let name: String
    public let model: GPT
    public let template: ChatTemplate
    public init(name: String, model: GPT, template: ChatTemplate) { (self.name, self.model, self.template) = (name, model, template) }
}

/// Everything measured about one model on the held-out prompts, per prompt where it can be, so
/// comparisons and confidence intervals can be computed afterwards.
public struct ModelMeasurements: Codable, Sendable {
    public var name: String
    public var replies: [String] = []
    public var grades: [Grade] = []
    /// Reply ended with <|im_end|> rather than running into the token limit.
    public var finished: [Bool] = []
    /// exp(mean negative log-likelihood) of the reference replies' tokens.
    public var perplexity = Double.nan
    /// Mean per-token KL(model || SFT) over the model's own sampled replies (nats/token).
    public var klToSFT = Double.nan
    /// Share of adversarial prompts handled as expected (refuse / stay within policy / invent nothing).
    public var safety: [Double] = []
    /// The kind of each adversarial prompt, the reply and the scorer's findings, in the order of `safety`.
    public var safetyKinds: [AdversarialKind] = []
    public var safetyReplies: [String] = []
    public var safetyFindings: [[String]] = []

    /// Safety by kind of adversarial prompt.
    public var safetyByKind: [(kind: AdversarialKind, rate: Double)] {
        AdversarialKind.allCases.compactMap { k in
            let s = zip(safetyKinds, safety).filter { $0.0 == k }.map(\.1)
            return s.isEmpty ? nil : (k, Statistics.mean(s))
        }
    }
    public var passAtK: [Int: Double] = [:]

    public init(name: String) { self.name = name }

    public func scores(_ c: Criterion) -> [Double] { grades.map { $0.score(c) } }
    public var overall: [Double] { grades.map(\.overall) }
    /// Replies that state a fact not in the prompt (an invented order detail, date or amount).
    public var hallucinationRate: Double { Statistics.mean(grades.map { $0.grounded < 1 ? 1 : 0 }) }
    /// Share of replies to ordinary held-out prompts that refuse or say the shop cannot help:
    /// the price of a model that learned to refuse too readily.
    public var overRefusal = Double.nan
    public var meanLength: Double { Statistics.mean(replies.map { Double($0.count) }) }
}

public enum ModelEvaluation {
    /// Greedy replies to every item, graded.
    public static func grade(_ m: ModelUnderTest, items: [EvalItem], maxNewTokens: Int = ReplyEvaluator.replyTokenLimit,
                             into r: inout ModelMeasurements, tick: () -> Void = {}) {
        let ev = ReplyEvaluator(template: m.template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: 0)
        for item in items {
            let (text, done) = ev.reply(m.model, prompt: item.prompt, rng: &rng)
            r.replies.append(text)
            r.finished.append(done)
            r.grades.append(ev.grader.grade(reply: text, truth: item.truth))
            tick()
        }
    }

    /// Perplexity of the reference replies under the model (reply tokens only).
    public static func perplexity(_ m: ModelUnderTest, items: [EvalItem]) -> Double {
        var nll = 0.0, tokens = 0
        noGrad {
            for item in items {
                let e = m.template.encode(item.prompt + item.reference)
                guard e.ids.count <= m.model.config.contextLength else { continue }
                let targets = SFTBatching.targets(TokenizedExample(ids: e.ids, trainable: e.trainable))
                let n = targets.filter { $0 != CrossEntropy.ignoreIndex }.count
                nll += Double(m.model.loss(e.ids, targets: targets, batch: 1).scalar) * Double(n)
                tokens += n
            }
        }
        return exp(nll / Double(max(tokens, 1)))
    }

    // MARK: book kl-to-sft
    /// How far a model has moved from the SFT model: sample a reply from the model
    /// (temperature 1), then average log π(token) − log π_SFT(token) over the reply's tokens.
    /// This is a Monte-Carlo estimate of KL(π ‖ π_SFT) per token.
    public static func klToReference(_ m: ModelUnderTest, reference: GPT, items: [EvalItem], seed: UInt64 = 1,
                                     maxNewTokens: Int = ReplyEvaluator.replyTokenLimit) -> Double {
        var rng = SeededRandom(seed: seed)
        var total = 0.0, tokens = 0
        for item in items {
            let prompt = m.template.generationPrompt(item.prompt)
            let reply = m.model.generate(prompt: prompt, maxNewTokens: maxNewTokens, options: SamplingOptions(temperature: 1),
                                         stop: [m.template.end], rng: &rng)
            guard !reply.isEmpty else { continue }
            let ids = prompt + reply
            let lp = m.model.tokenLogProbs(ids).suffix(reply.count)
            let lr = reference.tokenLogProbs(ids).suffix(reply.count)
            total += zip(lp, lr).reduce(0.0) { $0 + Double($1.0 - $1.1) }
            tokens += reply.count
        }
        return total / Double(max(tokens, 1))
    }
    // MARK: end

    /// Adversarial prompts: 1 where the reply behaves as expected, else 0; with the replies and
    /// the scorer's findings.
    public static func safety(_ m: ModelUnderTest, items: [AdversarialItem], maxNewTokens: Int = ReplyEvaluator.replyTokenLimit,
                              tick: () -> Void = {}) -> (behaved: [Double], replies: [String], findings: [[String]]) {
        let ev = ReplyEvaluator(template: m.template, maxNewTokens: maxNewTokens)
        let scorer = RefusalScorer()
        var rng = SeededRandom(seed: 0)
        var out: (behaved: [Double], replies: [String], findings: [[String]]) = ([], [], [])
        for item in items {
            let text = ev.reply(m.model, prompt: item.prompt, rng: &rng).text
            let s = scorer.score(reply: text, item: item)
            out.behaved.append(s.behaved ? 1 : 0); out.replies.append(text); out.findings.append(s.findings)
            tick()
        }
        return out
    }

    /// Share of `replies` (to ordinary `items`, in order) that carry a refusal cue.
    public static func overRefusal(replies: [String], items: [EvalItem]) -> Double {
        let scorer = RefusalScorer()
        return Statistics.mean(zip(replies, items).map { scorer.refuses($0, lang: $1.truth.lang) ? 1 : 0 })
    }

    /// pass@k under sampling: n replies per prompt at temperature `temperature`, each graded;
    /// a reply "passes" when the grader's overall score reaches `threshold`. Mean over prompts
    /// (`Statistics.meanPassAtK`, the statistics after the generation: exercise 9.3).
    public static func passAtK(_ m: ModelUnderTest, items: [EvalItem], n: Int, ks: [Int], threshold: Double = 0.9,
                               temperature: Float = 0.8, seed: UInt64 = 2, maxNewTokens: Int = ReplyEvaluator.replyTokenLimit) -> [Int: Double] {
        let ev = ReplyEvaluator(template: m.template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: seed)
        // scores[prompt][sample]
        let scores = items.map { item in
            (0..<n).map { _ in
                let text = ev.reply(m.model, prompt: item.prompt, options: SamplingOptions(temperature: temperature), rng: &rng).text
                return ev.grader.grade(reply: text, truth: item.truth).overall
            }
        }
        return Statistics.meanPassAtK(scores, threshold: threshold, ks: ks)
    }
}
