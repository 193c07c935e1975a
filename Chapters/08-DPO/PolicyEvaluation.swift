import Autograd
import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// How a trained policy behaves on held-out prompts, judged by the grader: its greedy replies'
/// scores, how often each flaw shows up, how far it has drifted from the SFT model (KL), and how
/// often its reply beats the SFT model's.
public struct PolicyReport: Codable, Sendable {
    public var name: String
    public var overall = 0.0, structure = 0.0, facts = 0.0, tone = 0.0, grounded = 0.0, noOverPromise = 0.0
    public var finished = 0.0
    public var meanLength = 0.0
    /// Share of replies showing each flaw (keys are `Flaw` raw values): the criterion the flaw
    /// lowers is below 1 (see `PolicyEvaluation.shows`).
    public var flawRates: [String: Double] = [:]
    /// Mean number of grader findings of each flaw's kind per reply (cold phrases, missing facts
    /// or steps, over-promises, missing moves, invented values): finer than the rates, which
    /// saturate when almost every reply has at least one.
    public var flawCounts: [String: Double] = [:]
    /// Mean over sampled reply tokens of log π − log π_ref (nats per token).
    public var kl: Double?
    /// Share of prompts where the grader scores this policy's reply above the SFT model's
    /// (ties count half).
    public var winRate: Double?
    public var prompts = 0
    /// The same grading of replies sampled at temperature 1 (the replies the KL is measured
    /// on): sampling shows flaws that greedy decoding hides.
    public var sampled: SampledSummary?
    /// The policy's implicit reward β·(log π − log π_ref) as a judge of preference pairs:
    /// the share of pairs where it ranks chosen above rejected, on the held-out tenth of the
    /// training pairs (same prompt combinations as training) and on pairs built on the test
    /// prompts (combinations no training pair uses). Nil for runs without them (KTO, own data).
    public var heldOutPairAccuracy: Double?
    public var testPairAccuracy: Double?
    public var testPairs: Int?
}

/// Grader results of sampled replies.
public struct SampledSummary: Codable, Sendable {
    public var overall = 0.0
    public var finished = 0.0
    public var flawRates: [String: Double] = [:]
    public var flawCounts: [String: Double] = [:]
}

public enum PolicyEvaluation {
    // MARK: book flaw-map
    /// Whether a graded reply shows a flaw of the preference data: a cold or contradicting
    /// phrase (cold tone), a policy number it does not quote correctly (wrong policy), an
    /// over-promise, a move it leaves out (missing move), a value that is not in the facts
    /// (invented detail). Other missing facts and steps (a mis-copied date, a forgotten step)
    /// are no flaw of the preference data; they lower the facts score only.
    public static func shows(_ flaw: Flaw, _ g: Grade) -> Bool {
        instances(flaw, g) > 0
    }

    /// How many grader findings of a flaw's kind a reply has ("wrong policy: …", "invented
    /// detail: …", ...).
    public static func instances(_ flaw: Flaw, _ g: Grade) -> Int {
        let prefix: String
        switch flaw {
        case .coldTone: prefix = "cold or contradicting phrase"
        case .wrongPolicy: prefix = "wrong policy"
        case .overPromise: prefix = "over-promise"
        case .missingMove: prefix = "missing move"
        case .inventedDetail: prefix = "invented detail"
        }
        return g.findings.filter { $0.hasPrefix(prefix) }.count
    }

    /// Win rate of `a` over `b`, prompt by prompt: 1 for a higher overall grade, ½ for a tie.
    public static func winRate(_ a: [Grade], against b: [Grade]) -> Double {
        precondition(a.count == b.count, "winRate: \(a.count) grades against \(b.count)")
        let points = zip(a, b).map { x, y in abs(x.overall - y.overall) < 1e-9 ? 0.5 : (x.overall > y.overall ? 1 : 0) }
        return points.reduce(0, +) / Double(max(points.count, 1))
    }
    // MARK: end

    /// Greedy replies to `items` and their grades.
    public static func grade(_ model: GPT, template: ChatTemplate, items: [EvalItem], maxNewTokens: Int,
                             progress: ProgressBar? = nil) -> (grades: [Grade], replies: [String], finished: [Bool]) {
        let evaluator = ReplyEvaluator(template: template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: 0)
        var grades: [Grade] = [], replies: [String] = [], finished: [Bool] = []
        for (i, item) in items.enumerated() {
            let (text, done) = evaluator.reply(model, prompt: item.prompt, rng: &rng)
            grades.append(evaluator.grader.grade(reply: text, truth: item.truth))
            replies.append(text); finished.append(done)
            progress?.update(i + 1)
        }
        return (grades, replies, finished)
    }

    /// Summarises grades into a report (no KL or win rate yet).
    public static func report(_ name: String, grades: [Grade], replies: [String], finished: [Bool]) -> PolicyReport {
        let n = Double(max(grades.count, 1))
        func mean(_ f: (Grade) -> Double) -> Double { grades.map(f).reduce(0, +) / n }
        var r = PolicyReport(name: name)
        r.overall = mean(\.overall); r.structure = mean(\.structure); r.facts = mean(\.facts)
        r.tone = mean(\.tone); r.grounded = mean(\.grounded); r.noOverPromise = mean(\.noOverPromise)
        r.finished = Double(finished.filter { $0 }.count) / n
        r.meanLength = replies.isEmpty ? 0 : Double(replies.map(\.count).reduce(0, +)) / n
        for f in Flaw.allCases {
            r.flawRates[f.rawValue] = Double(grades.filter { shows(f, $0) }.count) / n
            r.flawCounts[f.rawValue] = Double(grades.map { instances(f, $0) }.reduce(0, +)) / n
        }
        r.prompts = grades.count
        return r
    }

    // MARK: book kl-estimate
    /// KL(π ‖ π_ref) per token on held-out prompts: sample a reply from the policy (temperature
    /// 1), then average log π(token) − log π_ref(token) over every sampled reply token. The
    /// sample comes from π, so this mean estimates E_π[log π − log π_ref], the KL divergence.
    /// Returns the KL (0 without a reference) and the sampled replies, graded.
    public static func sample(policy: GPT, reference: GPT?, template: ChatTemplate, items: [EvalItem],
                              maxNewTokens: Int, seed: UInt64) -> (kl: Double, summary: SampledSummary) {
        var rng = SeededRandom(seed: seed)
        var total = 0.0, tokens = 0
        var grades: [Grade] = [], finished = 0
        for item in items {
            var prompt = template.generationPrompt(item.prompt)
            let room = policy.config.contextLength - maxNewTokens
            if prompt.count > room { prompt = Array(prompt.suffix(max(room, 1))) }
            let reply = policy.generate(prompt: prompt, maxNewTokens: maxNewTokens, stop: [template.end], rng: &rng)
            if let reference, !reply.isEmpty {
                let ids = prompt + reply
                let lp = policy.tokenLogProbs(ids).suffix(reply.count)       // log π of each reply token
                let lr = reference.tokenLogProbs(ids).suffix(reply.count)    // log π_ref of the same tokens
                total += zip(lp, lr).map { Double($0 - $1) }.reduce(0, +)
                tokens += reply.count
            }
            let done = reply.last == template.end
            finished += done ? 1 : 0
            let text = template.tokenizer.decode(done ? Array(reply.dropLast()) : reply)
            grades.append(Grader().grade(reply: text, truth: item.truth))
        }
        let r = report("", grades: grades, replies: [], finished: [])
        let summary = SampledSummary(overall: r.overall, finished: Double(finished) / Double(max(items.count, 1)),
                                     flawRates: r.flawRates, flawCounts: r.flawCounts)
        return (total / Double(max(tokens, 1)), summary)
    }
    // MARK: end
}
