import Core
import Foundation

/// One fact a reply must quote, exactly as the facts block writes it.
public struct Fact: Codable, Sendable, Equatable {
    /// What the fact is: "order_id", "product", "return_window", "refund_time", "new_estimate", ...
    public var name: String
    public var value: String
    /// A policy number (a window, a processing time, a warranty): what a wrong-policy flaw changes.
    public var isPolicy: Bool

    public init(name: String, value: String, isPolicy: Bool = false) {
        self.name = name
        self.value = value
        self.isPolicy = isPolicy
    }

    enum CodingKeys: String, CodingKey { case name, value, isPolicy = "is_policy" }
}

/// A procedure step a reply should contain, recognised by any of its cue phrases (lowercase).
public struct Step: Codable, Sendable, Equatable {
    public var name: String
    public var cues: [String]
    public init(name: String, cues: [String]) {
        self.name = name
        self.cues = cues
    }
}

/// The ground truth of one prompt: everything `Grader` needs to score any reply to it.
public struct Truth: Codable, Sendable, Equatable {
    public var scenario: Scenario
    public var lang: Language
    /// The entity combination "P07|plus|return" (the held-out split is defined on these).
    public var combo: String
    public var orderID: String
    public var product: String
    /// Facts the reply must quote (order id, product, dates, policy numbers, amounts).
    public var required: [Fact]
    /// Procedure steps the reply should walk through.
    public var steps: [Step]
    /// Every checkable value (order ids, dates, amounts, durations) the prompt contains, normalised.
    /// A value in a reply that is not in this list is an invented detail.
    public var allowed: [String]
    /// Phrases that would contradict this ticket's facts (lowercase).
    public var forbidden: [String]

    public init(scenario: Scenario, lang: Language, combo: String, orderID: String, product: String,
                required: [Fact], steps: [Step], allowed: [String], forbidden: [String]) {
        self.scenario = scenario
        self.lang = lang
        self.combo = combo
        self.orderID = orderID
        self.product = product
        self.required = required
        self.steps = steps
        self.allowed = allowed
        self.forbidden = forbidden
    }

    enum CodingKeys: String, CodingKey {
        case scenario, lang, combo, orderID = "order_id", product, required, steps, allowed, forbidden
    }

    /// One-line problems with this truth (empty when it is usable), for the loaders.
    func problems() -> [String] {
        var out: [String] = []
        if combo.isEmpty || Combo(combo) == nil { out.append("truth.combo \"\(CourseError.escape(combo, limit: 60))\" is not PRODUCT|PLAN|SCENARIO") }
        if orderID.isEmpty { out.append("truth.order_id is empty") }
        if product.isEmpty { out.append("truth.product is empty") }
        if required.isEmpty { out.append("truth.required is empty") }
        for (i, f) in required.enumerated() where f.name.isEmpty || f.value.isEmpty {
            out.append("truth.required[\(i)] has an empty name or value")
        }
        for (i, s) in steps.enumerated() where s.cues.isEmpty || s.cues.contains(where: \.isEmpty) {
            out.append("truth.steps[\(i)] has no usable cue")
        }
        return out
    }
}
