import Autograd
import Core
import Foundation
import SupportDesk
import Transformer

/// Scores a model the way the course judges every stage: write a reply to each held-out prompt
/// (greedy decoding, so the score is deterministic), and let the rule-based grader score it.
public struct ReplyEvaluator {
    public let template: ChatTemplate
    public let maxNewTokens: Int
    public let grader = Grader()

    /// The longest reply the course ever generates, in tokens. SupportDesk's reference replies
    /// are 105-150 tokens long; a limit below that cuts good replies short, so that "finished"
    /// measures length instead of rambling and an RL penalty for unfinished replies teaches the
    /// model to drop content. 192 leaves room for the longest reply plus a prompt of 192 tokens
    /// in the 384-token context.
    public static let replyTokenLimit = 192

    public init(template: ChatTemplate, maxNewTokens: Int = ReplyEvaluator.replyTokenLimit) {
        self.template = template
        self.maxNewTokens = maxNewTokens
    }

    public struct Scores: Codable, Sendable {
        public var structure = 0.0, facts = 0.0, tone = 0.0, grounded = 0.0, noOverPromise = 0.0, overall = 0.0
        /// Share of replies that stopped with <|im_end|> (did not ramble to the token limit).
        public var finished = 0.0
        public var meanLength = 0.0
        public var count = 0
        public init() {}

        public var asMetrics: [String: Double] {
            ["structure": structure, "facts": facts, "tone": tone, "grounded": grounded,
             "no_over_promise": noOverPromise, "overall": overall, "finished": finished]
        }
    }

    /// One reply (text), and whether it ended with <|im_end|>.
    public func reply(_ model: GPT, prompt: [Message], options: SamplingOptions = .greedy,
                      rng: inout SeededRandom, prefix: [Message] = []) -> (text: String, finished: Bool) {
        var ids = template.generationPrompt(prefix + prompt)
        let room = model.config.contextLength - maxNewTokens
        if ids.count > room { ids = Array(ids.suffix(max(room, 1))) }   // keep the end of an over-long prompt
        let out = model.generate(prompt: ids, maxNewTokens: maxNewTokens, options: options, stop: [template.end], rng: &rng)
        let finished = out.last == template.end
        return (template.tokenizer.decode(finished ? Array(out.dropLast()) : out), finished)
    }

    public func evaluate(_ model: GPT, items: [EvalItem], prefix: [Message] = [], seed: UInt64 = 0,
                         progress: ProgressBar? = nil) -> (Scores, replies: [String]) {
        var s = Scores()
        var replies: [String] = []
        var rng = SeededRandom(seed: seed)
        for (i, item) in items.enumerated() {
            let (text, finished) = reply(model, prompt: item.prompt, rng: &rng, prefix: prefix)
            let g = grader.grade(reply: text, truth: item.truth)
            s.structure += g.structure; s.facts += g.facts; s.tone += g.tone; s.grounded += g.grounded
            s.noOverPromise += g.noOverPromise; s.overall += g.overall
            s.finished += finished ? 1 : 0
            s.meanLength += Double(text.count)
            replies.append(text)
            progress?.update(i + 1)
        }
        let n = Double(max(items.count, 1))
        s.structure /= n; s.facts /= n; s.tone /= n; s.grounded /= n; s.noOverPromise /= n; s.overall /= n
        s.finished /= n; s.meanLength /= n; s.count = items.count
        return (s, replies)
    }
}
