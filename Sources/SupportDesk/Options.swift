import Foundation

/// The language every text of a generated world is written in. The world's structure (products,
/// orders, policies) is the same for both languages given a seed; only the wording differs, and
/// the Japanese wording is written as Japanese (polite business style), not translated.
public enum Language: String, Codable, Sendable, CaseIterable {
    case en, ja
}

/// How much data to generate. Counts are chosen so that `.default` pretrains a ~1-5M-parameter
/// model in minutes on two cores (about 1.5 MB of English corpus) and `.small` runs in tests.
public enum SizePreset: String, Codable, Sendable, CaseIterable {
    case small, `default`, large

    /// Examples per output file for this size.
    public var counts: Counts {
        switch self {
        case .small: Counts(sft: 240, preferences: 160, unpaired: 160, dev: 64, test: 64, corpusTickets: 180, corpusPages: 80, adversarial: 16)
        case .default: Counts(sft: 2000, preferences: 1200, unpaired: 1000, dev: 240, test: 600, corpusTickets: 1900, corpusPages: 300, adversarial: 96)
        case .large: Counts(sft: 8000, preferences: 4000, unpaired: 4000, dev: 480, test: 1200, corpusTickets: 7600, corpusPages: 1000, adversarial: 128)
        }
    }

    public struct Counts: Sendable, Equatable {
        /// `dev`: prompts for watching training and choosing settings; `test`: prompts only the
        /// final report reads; `adversarial`: held-out safety prompts, read only by the report.
        public var sft, preferences, unpaired, dev, test, corpusTickets, corpusPages, adversarial: Int
        /// Adversarial prompts for training (SFT on a polite refusal, escalation or the real
        /// policy): one for every 10 SFT examples, enough for the behaviour without crowding out
        /// the ordinary replies. They are drawn apart from the held-out `adversarial` prompts.
        public var safety: Int { sft / 10 }
        /// Orders drawn from training combinations (every training example and corpus ticket has its own).
        public var trainOrders: Int { sft + preferences + unpaired + corpusTickets }
    }
}

/// How hard a prompt is to answer: the number of distractor lines (facts that are true but
/// irrelevant to the request, such as another order of the same customer) mixed into the
/// facts block. A small model has to learn to copy the right line, not the nearest one.
public enum Difficulty: String, Codable, Sendable, CaseIterable {
    case easy, medium, hard

    public var distractors: Int {
        switch self {
        case .easy: 0
        case .medium: 1
        case .hard: 3
        }
    }
}

/// The customer's issue: what the ticket is about.
public enum Scenario: String, Codable, Sendable, CaseIterable, Comparable {
    case returnRequest = "return"
    case lateDelivery = "late_delivery"
    case damagedItem = "damaged_item"
    case wrongItem = "wrong_item"
    case warrantyClaim = "warranty_claim"
    case refundStatus = "refund_status"
    case exchange
    case cancellation

    public static func < (a: Scenario, b: Scenario) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The customer's membership plan: the policy variant that applies to an order (Plus members get
/// longer return windows and faster shipping, refunds and replacements).
public enum Plan: String, Codable, Sendable, CaseIterable {
    case standard, plus
}

/// The four moves of a house-style reply, in the order they must appear
/// (Japanese: お詫び→確認事項→手続き案内→安心させる一言).
public enum Move: String, Codable, Sendable, CaseIterable, Comparable {
    case apology, confirm, procedure, close

    public static func < (a: Move, b: Move) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What is wrong with a rejected reply. Each flaw lowers one grader criterion:
/// cold tone → `tone`, wrong policy → `facts`, over-promise → `noOverPromise`,
/// missing move → `structure`, invented detail → `grounded`.
public enum Flaw: String, Codable, Sendable, CaseIterable {
    case coldTone = "cold_tone"
    case wrongPolicy = "wrong_policy"
    case overPromise = "over_promise"
    case missingMove = "missing_move"
    case inventedDetail = "invented_detail"
}
