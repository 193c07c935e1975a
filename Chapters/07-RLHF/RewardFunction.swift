import Foundation
import RewardModel
import SFT
import SupportDesk

/// One reply to score.
public struct RewardQuery: Sendable {
    public var prompt: [Message]
    public var reply: String
    public var replyIDs: [Int]
    /// The prompt's ground truth when known: the grader needs it, a reward model ignores it.
    public var truth: Truth?
    public init(prompt: [Message], reply: String, replyIDs: [Int], truth: Truth?) {
        (self.prompt, self.reply, self.replyIDs, self.truth) = (prompt, reply, replyIDs, truth)
    }
}

// MARK: book reward-function
/// Whatever turns a reply into one number. PPO and GRPO are written against this protocol
/// only, so the rule-based grader (a verifiable reward), a learned reward model (Chapter 6),
/// or a closure of your own plug in the same way. Scoring is batched: a reward model scores
/// many replies in one forward pass.
public protocol RewardFunction {
    var name: String { get }
    func scores(_ queries: [RewardQuery]) throws -> [Double]
}
// MARK: end

/// SupportDesk's grader as a reward: the overall grade in [0, 1].
public struct GraderReward: RewardFunction {
    public let grader = Grader()
    public init() {}
    public var name: String { "grader" }
    public func scores(_ queries: [RewardQuery]) throws -> [Double] {
        try queries.map { q in
            guard let truth = q.truth else { throw RewardError.noTruth(q.prompt.last?.content ?? "") }
            return grader.grade(reply: q.reply, truth: truth).overall
        }
    }
}

// MARK: book verifiable-reward
/// A verifiable reward: only what can be checked against the prompt's truth, the four moves in
/// order (structure) and the facts stated right, each half of the score. Tone, invented details
/// and over-promising are left out on purpose, so the report can tell what GRPO was paid for
/// from what it learned on its own.
public struct VerifiableReward: RewardFunction {
    public let grader = Grader()
    public init() {}
    public var name: String { "verifiable (facts and moves)" }
    public func scores(_ queries: [RewardQuery]) throws -> [Double] {
        try queries.map { q in
            guard let truth = q.truth else { throw RewardError.noTruth(q.prompt.last?.content ?? "") }
            let g = grader.grade(reply: q.reply, truth: truth)
            return 0.5 * g.structure + 0.5 * g.facts
        }
    }
}
// MARK: end

/// A reward written as a closure over a batch of queries.
public struct ClosureReward: RewardFunction {
    public let name: String
    let body: ([RewardQuery]) throws -> [Double]
    public init(name: String, _ body: @escaping ([RewardQuery]) throws -> [Double]) { (self.name, self.body) = (name, body) }
    public func scores(_ queries: [RewardQuery]) throws -> [Double] { try body(queries) }
}

public enum RewardError: Error, CustomStringConvertible {
    case noTruth(String)
    public var description: String {
        switch self {
        case .noTruth(let p): "the grader reward needs the ground truth of every prompt; none for \"\(p.prefix(60))\""
        }
    }
}

/// Chapter 6's learned reward model as the reward: prompt + reply rendered with the chat
/// template exactly as the reward model was trained (the reply closed with `<|im_end|>`),
/// scored in batches without a graph. A learned proxy, not the grader: optimise it too hard
/// and the policy finds what it rewards that the grader does not (the over-optimisation study).
public struct RewardModelReward: RewardFunction {
    public let model: RewardModel
    public let template: ChatTemplate
    public init(model: RewardModel, template: ChatTemplate) { (self.model, self.template) = (model, template) }
    public var name: String { "reward model" }
    public func scores(_ queries: [RewardQuery]) throws -> [Double] {
        model.score(queries.map { PromptCompletion(prompt: $0.prompt, reply: $0.reply, template: template).ids }).map(Double.init)
    }
}
