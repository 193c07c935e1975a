import Core

/// A change to the shop's policies, as operations meets it: "from Monday the return window is
/// 45 days". The world is generated as before and the change is applied to its policies before
/// any order is drawn, so every file (policy pages, tickets, replies, the facts blocks and the
/// grader's truth) follows the new policy; the products, customers and the split stay the same.
///
/// Written as `KEY=VALUE[,KEY=VALUE]`, e.g. `return-window=45` or `return-window=45,damage-report=14`:
/// - `return-window`: the Standard members' return (and exchange) window in days, every category;
/// - `plus-extra`: the extra return days Plus members get;
/// - `damage-report`: the days after delivery within which damage must be reported.
public struct PolicyChange: Codable, Sendable, Equatable, CustomStringConvertible {
    public var returnWindowDays: Int?
    public var plusExtraDays: Int?
    public var damageReportDays: Int?

    public init(returnWindowDays: Int? = nil, plusExtraDays: Int? = nil, damageReportDays: Int? = nil) {
        (self.returnWindowDays, self.plusExtraDays, self.damageReportDays) = (returnWindowDays, plusExtraDays, damageReportDays)
    }

    /// The keys, their allowed ranges, and where each goes. The ranges keep the order generator
    /// valid (a return request is dated inside the window, a damage report inside its days).
    static var keys: [(key: String, range: ClosedRange<Int>, path: WritableKeyPath<PolicyChange, Int?>)] { [
        ("return-window", 7...365, \.returnWindowDays),
        ("plus-extra", 0...180, \.plusExtraDays),
        ("damage-report", 2...60, \.damageReportDays),
    ] }

    /// Parses `return-window=45,damage-report=14`; a bad spec throws a one-line error naming the part.
    public static func parse(_ spec: String) throws -> PolicyChange {
        let known = keys.map(\.key).joined(separator: ", ")
        var change = PolicyChange()
        let parts = spec.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.isEmpty || parts.allSatisfy(\.isEmpty) { throw CourseError("--policy-change: give KEY=VALUE (keys: \(known))") }
        for part in parts {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw CourseError("--policy-change: \"\(part)\" is not KEY=VALUE (keys: \(known))") }
            guard let entry = keys.first(where: { $0.key == kv[0] }) else {
                throw CourseError("--policy-change: unknown key \"\(kv[0])\" (keys: \(known))")
            }
            guard let n = Int(kv[1]), entry.range.contains(n) else {
                throw CourseError("--policy-change: \(entry.key) must be a whole number of days in \(entry.range.lowerBound)...\(entry.range.upperBound) (got \"\(kv[1])\")")
            }
            guard change[keyPath: entry.path] == nil else { throw CourseError("--policy-change: \(entry.key) is given twice") }
            change[keyPath: entry.path] = n
        }
        return change
    }

    /// The canonical spec, keys in a fixed order: "return-window=45,damage-report=14".
    public var description: String {
        Self.keys.compactMap { e in self[keyPath: e.path].map { "\(e.key)=\($0)" } }.joined(separator: ",")
    }

    /// The policies after the change.
    public func applied(to p: Policies) -> Policies {
        var p = p
        if let d = returnWindowDays { p.returnDays = p.returnDays.map { _ in d } }
        if let d = plusExtraDays { p.plusExtraDays = d }
        if let d = damageReportDays { p.damageReportDays = d }
        return p
    }
}

extension World {
    /// The policy values a held-out prompt's reply must quote that differ between `old` and
    /// this world's policies: fact name -> (the old text, the new text). A reply that quotes the
    /// old text is answering from the policy the model was trained on, not from the facts block.
    public func changedPolicyFacts(_ item: EvalItem, old: Policies) -> [String: (old: String, new: String)] {
        guard let combo = Combo(item.truth.combo), let product = product(id: combo.product) else { return [:] }
        var out: [String: (old: String, new: String)] = [:]
        for fact in item.truth.required where fact.isPolicy {
            let spans: (Span, Span)?
            switch fact.name {
            case "window": spans = (old.returnWindow(product.category, combo.plan), policies.returnWindow(product.category, combo.plan))
            case "report_window": spans = (old.damageReport, policies.damageReport)
            default: spans = nil
            }
            guard let (before, after) = spans, before != after else { continue }
            out[fact.name] = (before.text(lang), after.text(lang))
        }
        return out
    }

    /// Whether `reply` quotes `value` the way the grader recognises a fact.
    public static func quotes(_ reply: String, _ value: String) -> Bool {
        let text = Extractor.normalize(reply)
        return Grader.quotes(text, value, values: Set(Extractor.values(normalized: text)))
    }
}

extension PolicyChange {
    /// "return window (Standard) 14/30/30/60/30/14 → 45 days; damage reports 7 → 14 days": what
    /// changed, per category where the policy has one value per category.
    public static func summary(before: Policies, after: Policies, lang: Language) -> String {
        var parts: [String] = []
        if before.returnDays != after.returnDays {
            let cats = Category.allCases.map { $0.name(lang) }
            let pairs = zip(cats, zip(before.returnDays, after.returnDays)).filter { $0.1.0 != $0.1.1 }
            parts.append("return window (Standard) " + pairs.map { "\($0.0) \($0.1.0) → \($0.1.1)" }.joined(separator: ", ") + " days")
        }
        if before.plusExtraDays != after.plusExtraDays { parts.append("Plus extra days \(before.plusExtraDays) → \(after.plusExtraDays)") }
        if before.damageReportDays != after.damageReportDays { parts.append("damage reports \(before.damageReportDays) → \(after.damageReportDays) days") }
        return parts.isEmpty ? "no policy value differs from the current world" : parts.joined(separator: "; ")
    }
}
