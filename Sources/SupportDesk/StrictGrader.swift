import Core
import Foundation

/// What the strict grader found in one reply. Every criterion is 0 or 1.
public struct StrictGrade: Codable, Sendable, Equatable {
    /// All four moves, in the house order, no sentence repeated.
    public var structure: Double
    /// Every required fact and procedure step stated.
    public var facts: Double
    /// Nothing invented, and no value taken from a line of the facts that does not apply to this
    /// request (another order's date, a refund time in a damage report).
    public var roles: Double
    /// No cold or contradicting phrase.
    public var tone: Double
    /// No promise nobody can keep.
    public var noOverPromise: Double
    /// The fluency judge reads it as house language.
    public var fluent: Double
    /// The mean of the six criteria.
    public var overall: Double
    /// Every criterion met.
    public var pass: Bool
    public var findings: [String]
}

/// A stricter judge than the rule grader, and one no method trains on. The rule grader counts
/// any value from the prompt as grounded and gives partial credit; this one asks, for each
/// criterion, whether the reply is right, and adds two checks the rule grader lacks:
/// - **roles**: a value must not only occur in the prompt, it must come from a line that applies
///   to this request: a distractor line's date (another order) or policy (a refund time in a
///   damage report) fails;
/// - **fluency**: `FluencyJudge`, a language model of clean replies from a shop no run trains on.
///
/// GRPO's verifiable reward (structure, facts) is part of it, so the report marks GRPO as
/// trained on part of this judge.
public struct StrictGrader: Sendable {
    let grader = Grader()
    public init() {}

    /// Labels of the facts block's lines that may be distractors: another order, and policy
    /// lines that a ticket adds as true but irrelevant (see `World.ticket`).
    static let distractorLabels: [Language: Set<String>] = [
        .en: ["previous order", "shipping time", "refund time", "damage reports", "member since", "warranty", "return window"],
        .ja: ["過去のご注文", "配送日数", "返金期間", "破損のご連絡", "ご利用開始", "保証期間", "返品期限"],
    ]

    /// The values on distractor lines that are not also one of the reply's required facts.
    static func distractorValues(_ facts: String, truth: Truth) -> Set<String> {
        var required = Set(Extractor.values(in: truth.orderID, lang: truth.lang))
        for f in truth.required { required.formUnion(Extractor.values(in: f.value, lang: truth.lang)) }
        var out = Set<String>()
        for line in facts.split(separator: "\n") {
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == ":" || $0 == "：" })
            guard parts.count == 2, distractorLabels[truth.lang]!.contains(parts[0].trimmingCharacters(in: .whitespaces).lowercased()) else { continue }
            out.formUnion(Extractor.values(in: String(parts[1]), lang: truth.lang).filter { !required.contains($0) })
        }
        return out
    }

    public func grade(reply: String, truth: Truth, prompt: [Message]) -> StrictGrade {
        let g = grader.grade(reply: reply, truth: truth)
        let text = Extractor.normalize(reply)
        var findings: [String] = []
        // A value is in the wrong role when it comes only from a distractor line of the facts
        // block (another order, a policy that does not apply to this request), and invented
        // when it is nowhere in the prompt.
        let distractors = StrictGrader.distractorValues(prompt.first { $0.role == "system" }?.content ?? "", truth: truth)
        let allowed = Set(truth.allowed)
        for v in Extractor.values(normalized: text) where distractors.contains(v) || !allowed.contains(v) {
            findings.append(allowed.contains(v) ? "wrong role: \"\(v)\" comes from a line of the facts that does not apply" : "invented: \"\(v)\"")
        }
        let roles: Double = findings.isEmpty ? 1 : 0
        let judge = FluencyJudge.shared(truth.lang)
        let fluent = judge.isFluent(reply, prompt: prompt.map(\.content).joined(separator: "\n"))
        if !fluent { findings.append("not fluent") }
        func full(_ x: Double) -> Double { x >= 1 - 1e-9 ? 1 : 0 }
        let criteria = [full(g.structure), full(g.facts), roles, full(g.tone), full(g.noOverPromise), fluent ? 1 : 0]
        let structure = criteria[0]
        if structure < 1 { findings.append("structure: " + g.findings.filter { $0.hasPrefix("missing move") || $0.hasPrefix("moves out") || $0.hasPrefix("repeated") }.joined(separator: "; ")) }
        if criteria[1] < 1 { findings += g.findings.filter { $0.hasPrefix("missing fact") || $0.hasPrefix("wrong policy") || $0.hasPrefix("missing step") } }
        if criteria[3] < 1 { findings += g.findings.filter { $0.hasPrefix("cold") } }
        if criteria[4] < 1 { findings += g.findings.filter { $0.hasPrefix("over-promise") } }
        return StrictGrade(structure: structure, facts: criteria[1], roles: roles, tone: criteria[3], noOverPromise: criteria[4],
                           fluent: criteria[5], overall: criteria.reduce(0, +) / Double(criteria.count),
                           pass: criteria.allSatisfy { $0 == 1 }, findings: findings)
    }
}
