import Core

/// Wrong-policy preference pairs that can only be won by reading the plan line: **mirror
/// couples**. Two prompts about the same order differ only in the customer's plan (Standard or
/// Plus) and in the policy values the plan decides; in the Standard prompt the Standard value is
/// chosen and the Plus value rejected, in the Plus prompt the reverse.
///
/// The built-in wrong-policy pairs draw their rejected value from a fixed menu that holds other
/// plans' and categories' *correct* values, so the same number is rejected in one pair and chosen
/// in another. A model that does not condition on the plan can lower them all at once, and the
/// probability they lose moves to other plans' numbers. A mirror couple pushes a value down only
/// where the plan says it is wrong and up where the plan says it is right, and the couples are
/// filtered so that no value a pair rejects is chosen by any pair whose prompt has the same plan.
public enum MirrorPairs {
    // MARK: book mirror-pairs
    /// Mirror couples from training orders (the preference block's orders, without the ones whose
    /// built-in pair is held out), two pairs per couple, at most `limit` pairs. A couple is made
    /// only when both plans' combinations are training combinations and the order's dates fit
    /// both plans (a return still inside the shorter window).
    public static func generate(world: World, difficulty: Difficulty = .medium, limit: Int? = nil) -> [PreferencePair] {
        let counts = world.size.counts
        let train = world.orders.filter { $0.split == .train }
        var couples: [[PreferencePair]] = []
        for i in 0..<counts.preferences where i % 10 != 0 {
            let order = train[counts.sft + i]
            var twin = order
            twin.plan = order.plan == .standard ? .plus : .standard
            twin.combo.plan = twin.plan
            guard !world.isHeldOut(twin.combo), world.fitsBothPlans(order) else { continue }
            // The same generator state for both tickets: the same customer message, the same
            // distractor lines in the same places, the same paraphrases in the reply.
            var ra = rng(world.seed, i), rb = rng(world.seed, i)
            let a = world.ticket(for: order, difficulty: difficulty, rng: &ra)
            let b = world.ticket(for: twin, difficulty: difficulty, rng: &rb)
            let plan = ReplyPlan.random(a, rng: &ra)
            // The policy values this reply quotes that the two plans set differently.
            let keys = a.policies.keys.filter { a.quotedKeys(plan).contains($0) && a.policies[$0] != b.policies[$0] }.sorted()
            guard !keys.isEmpty else { continue }
            let key = ra.pick(keys)
            guard let pa = pair(a, plan, key, wrongFrom: b), let pb = pair(b, plan, key, wrongFrom: a) else { continue }
            couples.append([pa, pb])
        }
        // No value is rejected where a prompt of the same plan has it chosen: drop every couple
        // with a pair that would. (Dropping only shrinks the chosen sets, so one pass suffices.)
        var chosenByPlan: [Plan: Set<String>] = [:]
        for p in couples.joined() { chosenByPlan[plan(of: p), default: []].formUnion(values(p.chosen)) }
        let kept = couples.filter { c in c.allSatisfy { rejectedValues($0).isDisjoint(with: chosenByPlan[plan(of: $0)] ?? []) } }
        var out = Array(kept.prefix(limit.map { $0 / 2 } ?? kept.count).joined())
        for i in out.indices { out[i].id = String(format: "mirror-%05d", i + 1) }
        return out
    }
    // MARK: end

    /// The pair for ticket `t`: its good reply against the same reply quoting `other`'s value of
    /// the policy `key` (nil when that value appears in the prompt anyway).
    static func pair(_ t: Ticket, _ plan: ReplyPlan, _ key: String, wrongFrom other: Ticket) -> PreferencePair? {
        let lang = t.lang
        guard let right = t.policies[key], let wrong = other.policies[key], !t.truth.allowed.contains(wrong.canonical(lang)) else { return nil }
        var v = t.values
        v[key] = wrong.text(lang)
        let chosen = t.goodReply(plan).text(lang), rejected = t.goodReply(plan, values: v).text(lang)
        guard chosen != rejected else { return nil }
        return PreferencePair(id: "", scenario: t.order.issue, combo: t.truth.combo, prompt: t.prompt,
                              chosen: [Message(role: "assistant", content: chosen)],
                              rejected: [Message(role: "assistant", content: rejected)], flaw: .wrongPolicy,
                              flawDetail: "\(Ticket.policyName(key, lang)): \(right.text(lang)) → \(wrong.text(lang)) (\(other.order.plan.name(lang)))",
                              truth: t.truth)
    }

    /// The plan of a pair's prompt (from its combination).
    public static func plan(of p: PreferencePair) -> Plan { Combo(p.combo)?.plan ?? .standard }

    /// The checkable values a reply quotes, canonical.
    static func values(_ reply: [Message]) -> Set<String> {
        Set(reply.flatMap { Extractor.values(normalized: Extractor.normalize($0.content)) })
    }

    /// The values the rejected reply quotes and the chosen one does not: what the pair pushes down.
    public static func rejectedValues(_ p: PreferencePair) -> Set<String> { values(p.rejected).subtracting(values(p.chosen)) }

    /// The chosen reply's values (what the pair pushes up, with the text around them).
    public static func chosenValues(_ p: PreferencePair) -> Set<String> { values(p.chosen) }

    /// A generator stream of its own, so the mirror prompts never shift any other example.
    static func rng(_ seed: UInt64, _ i: Int) -> SeededRandom {
        SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 13 &* 0x1_0000_0001 &+ UInt64(i))
    }
}

extension World {
    /// Whether an order's dates make sense under either plan: a return or an exchange must still
    /// be inside the shorter of the two windows (the other scenarios' dates do not depend on it).
    func fitsBothPlans(_ o: Order) -> Bool {
        switch o.issue {
        case .returnRequest, .exchange:
            guard let d = o.delivered else { return false }
            let c = products[o.product].category
            let shortest = min(policies.returnWindow(c, .standard).maxDays, policies.returnWindow(c, .plus).maxDays)
            return o.today.index - d.index < shortest
        default:
            return true
        }
    }
}
