import Core

/// Which paraphrase each move of a reply uses (indices into the phrasebook's templates).
struct ReplyPlan: Equatable {
    var apology: Int, confirm: Int, procedure: Int, close: Int

    static func random(_ t: Ticket, rng: inout SeededRandom) -> ReplyPlan {
        let book = Phrasebook.of(t.lang)
        return ReplyPlan(apology: rng.int(book.apology.count), confirm: rng.int(t.phrases.confirm.count),
                         procedure: rng.int(t.phrases.procedure.count), close: rng.int(book.close.count))
    }
}

/// A reply as a list of parts: the four moves, plus any sentence a flaw inserted (move nil).
struct ReplyParts {
    var parts: [(move: Move?, text: String)]
    func text(_ lang: Language) -> String { localized(parts.map(\.text).joined(separator: Phrasebook.of(lang).moveSeparator), lang) }
}

extension Ticket {
    // MARK: book good-reply
    /// The house-style reply: apology, confirming the details, the procedure, a reassuring close.
    func goodReply(_ plan: ReplyPlan, values: [String: String]? = nil) -> ReplyParts {
        let book = Phrasebook.of(lang)
        var v = values ?? self.values
        v["problem"] = fill(phrases.problem, v)
        v["for"] = fill(phrases.forPhrase, v)
        return ReplyParts(parts: [
            (.apology, fill(book.apology[plan.apology], v)),
            (.confirm, fill(phrases.confirm[plan.confirm], v)),
            (.procedure, fill(phrases.procedure[plan.procedure], v)),
            (.close, book.close[plan.close]),
        ])
    }
    // MARK: end

    /// The placeholder keys the chosen confirm and procedure templates quote.
    func quotedKeys(_ plan: ReplyPlan) -> Set<String> {
        Set(keys(of: phrases.confirm[plan.confirm]) + keys(of: phrases.procedure[plan.procedure]))
    }

    /// A flawed variant of the good reply with the same plan, and the flaw in words.
    /// The flaw is confined to one criterion as far as the text allows (a cold reply keeps its
    /// facts, a wrong policy keeps its tone).
    func flawedReply(_ plan: ReplyPlan, flaw: Flaw, missing: Move? = nil, rng: inout SeededRandom) -> (text: String, detail: String) {
        let book = Phrasebook.of(lang)
        let allowed = Set(truth.allowed)
        /// Whether a value (written out) is already somewhere in the prompt.
        func inPrompt(_ text: String) -> Bool { Extractor.values(in: text, lang: lang).contains(where: allowed.contains) }
        var parts = goodReply(plan)
        let en = lang == .en
        switch flaw {
        case .coldTone:
            parts.parts[0] = (nil, fill(rng.pick(book.coldOpeners), values))
            parts.parts[3] = (nil, rng.pick(book.coldClosers))
            return (parts.text(lang), en ? "cold opening and closing instead of an apology" : "お詫びの代わりに冷たい書き出しと結び")
        case .wrongPolicy:
            let keys = policies.keys.filter { quotedKeys(plan).contains($0) }.sorted()
            let key = rng.pick(keys)
            let right = policies[key]!
            let wrong = Ticket.wrongSpan(right, allowed: allowed, lang: lang, rng: &rng)
            var v = values
            v[key] = wrong.text(lang)
            return (goodReply(plan, values: v).text(lang), "\(Ticket.policyName(key, lang)): \(right.text(lang)) → \(wrong.text(lang))")
        case .overPromise:
            let promise = rng.bernoulli(0.5) ? phrases.overPromise : rng.pick(book.overPromises)
            parts.parts.insert((nil, promise), at: 3)
            return (parts.text(lang), promise)
        case .missingMove:
            let m = missing ?? rng.pick(Move.allCases)
            parts.parts.removeAll { $0.move == m }
            return (parts.text(lang), en ? "missing \(m.rawValue)" : "\(Ticket.moveNameJA(m))が抜けている")
        case .inventedDetail:
            switch rng.int(3) {
            case 0:  // a different order id
                var v = values
                var fake = order.id
                while fake == order.id || inPrompt(fake) { fake = "SD-\(10000 + rng.int(90000))" }
                v["order"] = fake
                return (goodReply(plan, values: v).text(lang), "order id \(order.id) → \(fake)")
            case 1:  // a credit that was never granted
                var amount = ""
                repeat { amount = Money.text((5 + rng.int(21)) * 100, lang) } while inPrompt(amount)
                parts.parts.insert((nil, fill(rng.pick(book.inventedAmount), ["fakeAmount": amount])), at: 2)
                return (parts.text(lang), en ? "invented credit \(amount)" : "架空の\(amount)")
            default:  // a date that is not in the facts
                var day = order.today
                repeat { day = order.today + (3 + rng.int(40)) } while inPrompt(day.text(lang))
                parts.parts.insert((nil, fill(rng.pick(book.inventedDate), ["fakeDate": day.text(lang)])), at: 2)
                return (parts.text(lang), en ? "invented date \(day.text(lang))" : "架空の日付\(day.text(lang))")
            }
        }
    }

    /// The policy a placeholder key stands for, in words.
    static func policyName(_ key: String, _ lang: Language) -> String {
        let names: [String: (String, String)] = [
            "days": ("return window", "返品・交換期限"), "refund": ("refund time", "返金期間"), "ship": ("shipping time", "配送日数"),
            "replace": ("replacement time", "交換品の発送"), "repair": ("repair time", "修理期間"),
            "report": ("damage report window", "破損のご連絡期限"), "warranty": ("warranty", "保証期間"),
        ]
        guard let n = names[key] else { return key }
        return lang == .en ? n.0 : n.1
    }

    static func moveNameJA(_ m: Move) -> String {
        switch m {
        case .apology: "お詫び"
        case .confirm: "確認事項"
        case .procedure: "手続き案内"
        case .close: "安心させる一言"
        }
    }

    /// A plausible but wrong policy value of the same shape, not present anywhere in the prompt.
    static func wrongSpan(_ right: Span, allowed: Set<String>, lang: Language, rng: inout SeededRandom) -> Span {
        var options: [Span]
        switch right {
        case .days: options = [7, 14, 21, 30, 45, 60, 90, 120].map { .days($0) }
        case .businessDays(let a, let b) where a == b: options = [1, 2, 3, 5, 7, 10, 14].map { .businessDays($0, $0) }
        case .businessDays: options = [(1, 2), (2, 4), (3, 5), (5, 7), (7, 10), (10, 14)].map { .businessDays($0.0, $0.1) }
        case .months: options = [6, 12, 24, 36, 60].map { .months($0) }
        }
        options.removeAll { s in s == right || allowed.contains(s.canonical(lang)) }
        return rng.pick(options)
    }
}
