import Foundation

/// One chat turn, as TRL's conversational formats write it: `{"role": ..., "content": ...}`.
public struct Message: Codable, Sendable, Equatable, Hashable {
    /// "system", "user" or "assistant".
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// An SFT example (TRL conversational language-modelling format):
/// `{"messages": [system: facts, user: message, assistant: reply], "id", "scenario", "combo", "truth"}`.
public struct ChatExample: Codable, Sendable, Equatable {
    public var id: String
    public var scenario: Scenario
    public var combo: String
    public var messages: [Message]
    public var truth: Truth
    /// The habit the reply shows (nil: house style), see `Habit`.
    public var habit: Flaw?

    public init(id: String, scenario: Scenario, combo: String, messages: [Message], truth: Truth) {
        self.id = id
        self.scenario = scenario
        self.combo = combo
        self.messages = messages
        self.truth = truth
    }

    /// Everything before the reply (system facts and the customer's message).
    public var prompt: [Message] { Array(messages.dropLast()) }
    /// The assistant's reply.
    public var reply: String { messages.last?.content ?? "" }
}

/// A preference pair (TRL conversational preference format):
/// `{"prompt": [system, user], "chosen": [assistant], "rejected": [assistant], "flaw", ...}`.
public struct PreferencePair: Codable, Sendable, Equatable {
    public var id: String
    public var scenario: Scenario
    public var combo: String
    public var prompt: [Message]
    public var chosen: [Message]
    public var rejected: [Message]
    /// What is wrong with `rejected`.
    public var flaw: Flaw
    /// The flaw in words: "missing apology", "return window 45 days → 90 days".
    public var flawDetail: String
    public var truth: Truth

    public init(id: String, scenario: Scenario, combo: String, prompt: [Message], chosen: [Message],
                rejected: [Message], flaw: Flaw, flawDetail: String, truth: Truth) {
        self.id = id
        self.scenario = scenario
        self.combo = combo
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
        self.flaw = flaw
        self.flawDetail = flawDetail
        self.truth = truth
    }

    enum CodingKeys: String, CodingKey {
        case id, scenario, combo, prompt, chosen, rejected, flaw, flawDetail = "flaw_detail", truth
    }
}

/// An unpaired labelled example for KTO (TRL unpaired preference format):
/// `{"prompt": [...], "completion": [assistant], "label": true|false, ...}`.
public struct UnpairedExample: Codable, Sendable, Equatable {
    public var id: String
    public var scenario: Scenario
    public var combo: String
    public var prompt: [Message]
    public var completion: [Message]
    /// true: a good reply (desirable); false: a flawed one.
    public var label: Bool
    /// The flaw of an undesirable completion (nil when `label` is true).
    public var flaw: Flaw?
    public var truth: Truth

    public init(id: String, scenario: Scenario, combo: String, prompt: [Message], completion: [Message],
                label: Bool, flaw: Flaw?, truth: Truth) {
        self.id = id
        self.scenario = scenario
        self.combo = combo
        self.prompt = prompt
        self.completion = completion
        self.label = label
        self.flaw = flaw
        self.truth = truth
    }
}

/// A held-out evaluation prompt: `{"id", "prompt": [system, user], "truth", "reference": [assistant]}`.
/// Its entity combination never occurs in any training file.
public struct EvalItem: Codable, Sendable, Equatable {
    public var id: String
    public var scenario: Scenario
    public var combo: String
    public var prompt: [Message]
    public var truth: Truth
    /// A good reply (for reference-based metrics; the grader does not need it).
    public var reference: [Message]

    public init(id: String, scenario: Scenario, combo: String, prompt: [Message], truth: Truth, reference: [Message]) {
        self.id = id
        self.scenario = scenario
        self.combo = combo
        self.prompt = prompt
        self.truth = truth
        self.reference = reference
    }
}

/// A pretraining document: `{"text": ...}` (a policy page, an FAQ, a product page or a past
/// ticket thread).
public struct CorpusDocument: Codable, Sendable, Equatable {
    public var text: String
    public init(text: String) { self.text = text }
}
