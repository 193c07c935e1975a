import Core
import Foundation
import SFT
import SupportDesk
import Transformer

/// On-policy **slot-error pairs**: the SFT model's own replies to training prompts where a fact
/// slot (a date, order id, amount or policy number) holds a wrong value. The rejected reply is the
/// model's, word for word; the chosen one is the same reply with the wrong values put right
/// (`ValueCorrection`). The two differ only at the slots, so DPO's gradient there is "raise the
/// right value, lower the value this model actually wrote", in the very context where it wrote it.
///
/// Two choices keep the pairs about copying rather than about particular values:
/// - replies are the greedy one and, when it is right, up to `samples` sampled at temperature 1:
///   a model that copies well under greedy decoding still makes slot errors when it samples, and
///   those are the errors preference training tends to make worse;
/// - no date is rejected (nor chosen) in more than `maxPerDate` pairs. A small model has
///   favourite dates (one it writes whatever the facts say); pairs that mostly reject that one
///   date teach "not this date", and the probability it loses goes to the next favourite.
///   Capped, the wrong dates and the right ones are spread over many days, and the only thing
///   the pairs share is the rule: copy the date from the facts block. (Policy numbers come from
///   a menu of a few dozen values and are not capped; mirror pairs are what teaches which one.)
public enum SlotErrorPairs {
    public struct Settings: Codable, Sendable, Equatable {
        /// How many training prompts are read.
        public var prompts: Int
        /// Sampled replies per prompt tried after a greedy reply with nothing to mend.
        public var samples: Int
        /// The most pairs any one date may be the wrong (or the right) value of.
        public var maxPerDate: Int
        public init(prompts: Int, samples: Int, maxPerDate: Int) {
            (self.prompts, self.samples, self.maxPerDate) = (prompts, samples, maxPerDate)
        }
    }

    /// What building the pairs found (written to the run's pairs.json).
    public struct Stats: Codable, Sendable {
        public var prompts = 0
        /// Replies read (greedy and sampled), and those with at least one value that could be mended.
        public var replies = 0
        public var mendable = 0
        public var pairs = 0
        /// Pairs left out because one of their dates had reached `maxPerDate`.
        public var capped = 0
        /// The model's most frequent wrong values among the mendable replies, with their counts:
        /// its favourites (the dates among them are capped).
        public var favourites: [String: Int] = [:]
        /// Mended slots by kind of fact (SlotDiagnostic's kinds).
        public var slotsByKind: [String: Int] = [:]
        /// Pairs whose rejected reply was the greedy one (the rest were sampled).
        public var fromGreedy = 0
    }

    // MARK: book slot-error-pair
    /// The pair one reply gives: the mended reply chosen over the model's own, with the fixes.
    /// Nil when nothing can be mended, or when the mended reply is not better by the grader's
    /// count of wrong and invented values (a mend must fix, never just change).
    public static func pair(prompt: [Message], truth: Truth, reply: String) -> (example: PreferenceExample, fixes: [ValueCorrection.Fix])? {
        let (mended, fixes) = ValueCorrection.correct(reply, truth: truth)
        guard !fixes.isEmpty, mended != reply, valueErrors(mended, truth) < valueErrors(reply, truth) else { return nil }
        let flaw: Flaw = fixes.contains { $0.right.isPolicy } ? .wrongPolicy : .inventedDetail
        return (PreferenceExample(prompt: prompt, chosen: mended, rejected: reply, flaw: flaw.rawValue), fixes)
    }
    // MARK: end

    /// Grader findings about values: wrong policy numbers, missing facts, invented values.
    static func valueErrors(_ reply: String, _ truth: Truth) -> Int {
        Grader().grade(reply: reply, truth: truth).findings
            .filter { $0.hasPrefix("wrong policy") || $0.hasPrefix("missing fact") || $0.hasPrefix("invented detail") }.count
    }

    /// The kind of a mended slot. A fix that `ValueCorrection` read off the prompt rather than
    /// the required facts is named "value": an order id ("SD-12345") or a date.
    static func kind(of f: Fact) -> SlotDiagnostic.FactKind {
        guard f.name == "value" else { return SlotDiagnostic.kind(of: f) }
        let v = Array(f.value)
        return v.count > 3 && v[0].isLetter && v[1].isLetter && v[2] == "-" ? .orderID : .date
    }

    /// The canonical form of a value as written ("August 27th" → "august 27"), for counting.
    static func canonical(_ written: String) -> String {
        Extractor.values(in: written, lang: .en).first ?? Extractor.normalize(written)
    }

    /// One reply's pair and what it mended, before the date cap.
    public struct Candidate: Sendable {
        public var example: PreferenceExample
        public var fixes: [ValueCorrection.Fix]
        public var greedy: Bool
        public init(example: PreferenceExample, fixes: [ValueCorrection.Fix], greedy: Bool) {
            (self.example, self.fixes, self.greedy) = (example, fixes, greedy)
        }
    }

    /// Reads the model's replies to `prompts` and keeps the pairs, at most one per prompt, with
    /// no date more than `settings.maxPerDate` times.
    public static func build(_ model: GPT, template: ChatTemplate, prompts: [(prompt: [Message], truth: Truth)],
                             settings s: Settings, maxNewTokens: Int, seed: UInt64,
                             progress: ProgressBar? = nil) -> (pairs: [PreferenceExample], stats: Stats) {
        let evaluator = ReplyEvaluator(template: template, maxNewTokens: maxNewTokens)
        var rng = SeededRandom(seed: seed)
        var (candidates, replies) = ([Candidate](), 0)
        for (i, p) in prompts.prefix(s.prompts).enumerated() {
            for k in 0...s.samples {
                let options = k == 0 ? SamplingOptions.greedy : SamplingOptions(temperature: 1)
                let (reply, finished) = evaluator.reply(model, prompt: p.prompt, options: options, rng: &rng)
                replies += 1
                guard finished, let c = pair(prompt: p.prompt, truth: p.truth, reply: reply) else { continue }
                candidates.append(Candidate(example: c.example, fixes: c.fixes, greedy: k == 0))
                break
            }
            progress?.update(i + 1)
        }
        var (pairs, stats) = select(candidates, maxPerDate: s.maxPerDate)
        (stats.prompts, stats.replies) = (min(s.prompts, prompts.count), replies)
        return (pairs, stats)
    }

    // MARK: book date-cap
    /// The candidates in order, leaving out any whose wrong or right date has already been in
    /// `maxPerDate` kept pairs: the model's favourite dates cannot fill the set.
    public static func select(_ candidates: [Candidate], maxPerDate: Int) -> (pairs: [PreferenceExample], stats: Stats) {
        var stats = Stats()
        stats.mendable = candidates.count
        var seen: [String: Int] = [:]
        for c in candidates { for f in c.fixes { seen[canonical(f.wrong), default: 0] += 1 } }
        stats.favourites = Dictionary(uniqueKeysWithValues: seen.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { ($0.key, $0.value) })
        var wrongCount: [String: Int] = [:], rightCount: [String: Int] = [:]
        var pairs: [PreferenceExample] = []
        for c in candidates {
            let dates = c.fixes.filter { kind(of: $0.right) == .date }
            let wrong = dates.map { canonical($0.wrong) }, right = dates.map { canonical($0.right.value) }
            guard wrong.allSatisfy({ wrongCount[$0, default: 0] < maxPerDate }),
                  right.allSatisfy({ rightCount[$0, default: 0] < maxPerDate }) else { stats.capped += 1; continue }
            for w in wrong { wrongCount[w, default: 0] += 1 }
            for r in right { rightCount[r, default: 0] += 1 }
            for f in c.fixes { stats.slotsByKind[kind(of: f.right).rawValue, default: 0] += 1 }
            stats.fromGreedy += c.greedy ? 1 : 0
            pairs.append(c.example)
        }
        stats.pairs = pairs.count
        return (pairs, stats)
    }
    // MARK: end
}
